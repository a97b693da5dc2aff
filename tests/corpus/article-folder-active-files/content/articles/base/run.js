alert(3)
