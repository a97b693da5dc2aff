"""sitegen: a static site generator for paired commentaries in several languages."""

__version__ = "0.1.0"
