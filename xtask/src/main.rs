//! `cargo xtask`: the maintainers' commands. Input: the command line; output: the
//! generated crate (`generate`), or figures (`bench`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use vkxml_codegen::{generate, Api, Options, Phases};

mod parity;
mod pypi;

const USAGE: &str = "\
usage:
  cargo xtask generate [--registry PATH] [--out DIR] [--api vulkan|vulkansc] [--check]
  cargo xtask bench [--registry PATH] [--runs N]
  cargo xtask pypi-parity VERSION...   (vulkan-object releases from PyPI, against Khronos' model)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("generate") => cmd_generate(&args[1..]),
        Some("bench") => cmd_bench(&args[1..]),
        Some("pypi-parity") => cmd_pypi_parity(&args[1..]),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

/// The workspace root, so commands work from any folder.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace").to_path_buf()
}

struct Args {
    registry: PathBuf,
    out: PathBuf,
    api: Api,
    check: bool,
    runs: usize,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args {
        registry: root().join("vk.xml"),
        out: root().join("generated"),
        api: Api::Vulkan,
        check: false,
        runs: 15,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--registry" => parsed.registry = PathBuf::from(value("--registry")?),
            "--out" => parsed.out = PathBuf::from(value("--out")?),
            "--api" => {
                let v = value("--api")?;
                parsed.api = Api::parse(&v).ok_or_else(|| format!("--api: `{v}` is neither vulkan nor vulkansc"))?;
            }
            "--runs" => {
                let v = value("--runs")?;
                parsed.runs = v.parse().map_err(|_| format!("--runs: `{v}` is not a number"))?;
            }
            "--check" => parsed.check = true,
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(parsed)
}

fn cmd_generate(args: &[String]) -> Result<ExitCode, String> {
    let args = parse_args(args)?;
    let options = Options { registry: args.registry, out: args.out.clone(), api: args.api, check: args.check };
    let report = generate(&options).map_err(|e| e.to_string())?;
    for w in &report.warnings {
        eprintln!("warning: {}:{}: <{}>: {}", options.registry.display(), w.pos, w.element, w.message);
    }
    if args.check {
        if report.changed.is_empty() {
            println!("{} is fresh (vk.xml {})", args.out.display(), report.registry_version);
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("{} is stale; regenerate with `cargo xtask generate`. Files that differ:", args.out.display());
        for f in &report.changed {
            eprintln!("  {f}");
        }
        return Ok(ExitCode::from(1));
    }
    println!(
        "vk.xml {} ({}): {} types, {} enumerants, {} extensions -> {} ({} of {} files changed)",
        report.registry_version,
        options.api.as_str(),
        report.types,
        report.enumerants,
        report.extensions,
        args.out.display(),
        report.changed.len(),
        report.files
    );
    Ok(ExitCode::SUCCESS)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Peak resident memory of this process, from /proc (Linux).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn cmd_bench(args: &[String]) -> Result<ExitCode, String> {
    let args = parse_args(args)?;
    let out = std::env::temp_dir().join(format!("vkxml-bench-{}", std::process::id()));
    let mut runs: Vec<(Phases, Duration)> = Vec::new();
    for _ in 0..args.runs.max(1) {
        let _ = std::fs::remove_dir_all(&out);
        let options = Options { registry: args.registry.clone(), out: out.clone(), api: args.api, check: false };
        let start = std::time::Instant::now();
        let report = generate(&options).map_err(|e| e.to_string())?;
        runs.push((report.phases, start.elapsed()));
    }
    let _ = std::fs::remove_dir_all(&out);
    let pick = |f: fn(&Phases) -> Duration| median(runs.iter().map(|(p, _)| f(p)).collect());
    println!("generate {} ({} runs, median per phase)", args.registry.display(), runs.len());
    println!("  read     {}", ms(pick(|p| p.read)));
    println!("  parse    {}", ms(pick(|p| p.parse)));
    println!("  resolve  {}", ms(pick(|p| p.resolve)));
    println!("  emit     {} (summed over threads)", ms(pick(|p| p.emit)));
    println!("  format   {} (summed over threads)", ms(pick(|p| p.format)));
    println!("  emit+format wall {}", ms(pick(|p| p.emit_and_format_wall)));
    println!("  write    {}", ms(pick(|p| p.write)));
    println!("  total    {}", ms(median(runs.iter().map(|(_, t)| *t).collect())));
    if let Some(mb) = peak_rss_mb() {
        println!("  peak RSS {mb:.1} MB");
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_pypi_parity(versions: &[String]) -> Result<ExitCode, String> {
    if versions.is_empty() {
        return Err(format!("which releases?\n{USAGE}"));
    }
    let mut all = true;
    for v in versions {
        all &= parity::check(&root(), v)?;
    }
    Ok(if all { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
