// Goroutines on several threads of the Go runtime: channels, a WaitGroup and a Mutex. (Timers,
// time.Sleep and the garbage collector's background workers need epoll, which jvmm lacks yet.)
package main

import (
	"fmt"
	"sync"
)

func main() {
	ch := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	count := 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				ch <- i
				mu.Lock()
				count++
				mu.Unlock()
			}
		}(i)
	}
	go func() { wg.Wait(); close(ch) }()
	sum := 0
	for v := range ch {
		sum += v
	}
	mu.Lock()
	fmt.Println("sum", sum, "count", count)
	mu.Unlock()
}
