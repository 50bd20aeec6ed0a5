module exec

go 1.19
