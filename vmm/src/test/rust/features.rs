// A Rust program built the default way for a static binary (rustc -C target-feature=+crt-static,
// which makes a static-pie): println!, String, Vec, HashMap, std::env::args, a panic caught with
// catch_unwind, and std::process::exit with a status.
use std::collections::HashMap;
use std::panic;
use std::process;

fn checked_divide(a: i64, b: i64) -> i64 {
    if b == 0 {
        panic!("division of {} by zero", a);
    }
    a / b
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    println!("argv: {:?}", args);

    let mut counts: HashMap<char, usize> = HashMap::new();
    for arg in args.iter().skip(1) {
        for c in arg.chars() {
            *counts.entry(c).or_insert(0) += 1;
        }
    }
    let mut letters: Vec<(char, usize)> = counts.into_iter().collect();
    letters.sort();
    let summary: Vec<String> = letters.iter().map(|(c, n)| format!("{}={}", c, n)).collect();
    println!("characters: {}", summary.join(" "));

    let caught = panic::catch_unwind(|| checked_divide(42, 0));
    println!("panic caught: {}", caught.is_err());
    println!("42 / 6 = {}", checked_divide(42, 6));

    let mut text = String::new();
    for i in 1..=5 {
        text.push_str(&i.to_string());
    }
    println!("joined: {}", text);
    process::exit(args.len() as i32 + 40);
}
