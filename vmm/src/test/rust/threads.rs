// std::thread, channels, Arc<Mutex> and thread_local! in a static Rust program.
use std::cell::Cell;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

thread_local!(static SENT: Cell<u64> = Cell::new(0));

fn main() {
    let (tx, rx) = mpsc::channel();
    let total = Arc::new(Mutex::new(0u64));
    let handles: Vec<_> = (0..4u64)
        .map(|i| {
            let tx = tx.clone();
            let total = Arc::clone(&total);
            thread::spawn(move || {
                for j in 0..100 {
                    tx.send(i * 1000 + j).unwrap();
                    SENT.with(|s| s.set(s.get() + 1));
                    *total.lock().unwrap() += 1;
                }
                thread::sleep(Duration::from_millis(5));
                SENT.with(|s| s.get())
            })
        })
        .collect();
    drop(tx);
    let sum: u64 = rx.iter().sum();
    let sent: Vec<u64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    println!("sum {} sent {:?} total {} main sent {}", sum, sent, *total.lock().unwrap(), SENT.with(|s| s.get()));
}
