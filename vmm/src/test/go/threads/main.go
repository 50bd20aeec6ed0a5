// Goroutines on several threads of the Go runtime: channels, a WaitGroup, a Mutex, time.Sleep,
// a timer and a forced garbage collection (the runtime's netpoll: epoll and a pipe).
package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"
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

	start := time.Now()
	time.Sleep(30 * time.Millisecond)
	fmt.Println("slept at least 30 ms:", time.Since(start) >= 30*time.Millisecond)
	timer := time.NewTimer(20 * time.Millisecond)
	ticker := time.NewTicker(5 * time.Millisecond)
	ticks := 0
	for done := false; !done; {
		select {
		case <-ticker.C:
			ticks++
		case <-timer.C:
			done = true
		}
	}
	ticker.Stop()
	fmt.Println("timer fired after ticks:", ticks >= 1)

	var keep [][]byte
	for i := 0; i < 200; i++ {
		keep = append(keep, make([]byte, 64<<10))
		if len(keep) > 16 {
			keep = keep[1:]
		}
	}
	runtime.GC()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	fmt.Println("garbage collected:", stats.NumGC > 0, len(keep))
}
