// std::env and std::fs as a Rust program uses them, with no file system to find: arguments, the
// environment, errors for missing files, stdin at its end, stderr, and an exit status.
use std::env;
use std::fs;
use std::io::{self, Read, Write};
use std::process;

fn main() {
    // (argv[0] is the path the program was started by, which differs between runs)
    for (i, arg) in env::args().enumerate().skip(1) {
        println!("arg {} = {:?}", i, arg);
    }
    println!("environment variables: {}", env::vars().count());
    println!("HOME: {:?}", env::var("HOME"));
    for path in ["/no/such/file", "relative/missing.txt"] {
        match fs::read_to_string(path) {
            Ok(text) => println!("read {}: {} bytes", path, text.len()),
            Err(e) => println!("read {}: {}", path, e),
        }
        match fs::metadata(path) {
            Ok(m) => println!("metadata {}: {} bytes", path, m.len()),
            Err(e) => println!("metadata {}: {:?}", path, e.kind()),
        }
    }
    let mut input = String::new();
    let n = io::stdin().read_to_string(&mut input).expect("stdin");
    println!("stdin: {} bytes", n);
    writeln!(io::stderr(), "to stderr").expect("stderr");
    io::stdout().flush().expect("flush");
    process::exit(3);
}
