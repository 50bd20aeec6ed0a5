// Processes from Go: os/exec starts this program again (/proc/self/exe) through Go's own
// fork and exec (clone with CLONE_VFORK | CLONE_VM, then execve in the child), collects its
// output and its exit status, and pipes one child into another.
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

func child(args []string) {
	switch args[0] {
	case "say":
		fmt.Println("child says", strings.Join(args[1:], " "))
		os.Exit(3)
	case "count":
		for i := 1; i <= 5; i++ {
			fmt.Println(i)
		}
	case "sum":
		sum := 0
		scanner := bufio.NewScanner(os.Stdin)
		for scanner.Scan() {
			var n int
			fmt.Sscan(scanner.Text(), &n)
			sum += n
		}
		fmt.Println("sum", sum)
	}
}

func main() {
	if len(os.Args) > 1 {
		child(os.Args[1:])
		return
	}
	out, err := exec.Command("/proc/self/exe", "say", "hello", "world").Output()
	fmt.Printf("output %q, error %v\n", out, err)

	cmd := exec.Command("/proc/self/exe", "say", "again")
	cmd.Stdout = os.Stdout
	err = cmd.Run()
	fmt.Println("run:", err, "exit code", cmd.ProcessState.ExitCode())

	producer := exec.Command("/proc/self/exe", "count")
	consumer := exec.Command("/proc/self/exe", "sum")
	pipe, _ := producer.StdoutPipe()
	consumer.Stdin = pipe
	var sum strings.Builder
	consumer.Stdout = &sum
	if err := producer.Start(); err != nil {
		fmt.Println("start:", err)
	}
	if err := consumer.Run(); err != nil {
		fmt.Println("consumer:", err)
	}
	fmt.Println("pipeline:", strings.TrimSpace(sum.String()), "producer:", producer.Wait())

	_, err = exec.Command("/nonexistent").Output()
	fmt.Println("missing program:", err)
}
