//! `cargo xtask demo`: build the viewer, serve it and a simulated cluster from
//! one origin, print the URL. The simulator's `--viewer-config` serves a
//! `config.json` that pre-fills the form with its own URL and the demo key.

use crate::{env, proc, setup, sim};

#[derive(Debug, PartialEq)]
pub struct Options {
    pub listen: String,
    pub sim_args: Vec<String>,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Options {
            listen: "127.0.0.1:1885".into(),
            sim_args: Vec::new(),
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--listen" => {
                    options.listen = it.next().ok_or("--listen needs an address")?.clone();
                }
                "--" => {
                    options.sim_args = it.cloned().collect();
                    break;
                }
                other => return Err(format!("unknown demo option `{other}`")),
            }
        }
        Ok(options)
    }
}

pub fn run(options: &Options) -> Result<(), String> {
    setup::ensure_all()?;
    proc::run(env::cargo().args(["fetch", "--locked"]))?;
    proc::run(env::tool("trunk").args(["build", "--release"]))?;
    sim::build()?;
    let dist = env::root().join("dist");
    let mut args = vec![
        "--listen".to_owned(),
        options.listen.clone(),
        "--serve".to_owned(),
        dist.to_string_lossy().into_owned(),
        "--viewer-config".to_owned(),
    ];
    args.extend(options.sim_args.iter().cloned());
    let sim = sim::start(&args)?;
    // Let the simulator list its keys and entities first.
    std::thread::sleep(std::time::Duration::from_millis(300));
    println!();
    println!(
        "  Eventline demo is running. Open {}/ in a browser.",
        sim.url
    );
    println!("  The form is pre-filled with this simulated cluster, its demo key and its fleet:");
    println!("  press Connect.");
    println!("  Press Ctrl-C to stop.");
    println!();
    sim.wait()
}
