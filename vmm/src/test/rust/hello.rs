// The smallest Rust program: its runtime's start-up, then one line.
fn main() {
    println!("hello from rust");
}
