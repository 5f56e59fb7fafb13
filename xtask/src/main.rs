//! `cargo xtask`: the maintainers' commands. Input: the command line; output: the
//! generated crate (`generate`, `update-registry`), reports (`diff`) or figures (`bench`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use vkxml_codegen::diff::{self, Format};
use vkxml_codegen::{generate, model, registry, Api, Options, Phases};

mod heap;
mod parity;
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod pool;
mod pypi;
mod usage;
mod workspace;

use workspace::Workspace;

const USAGE: &str = "\
usage:
  cargo xtask generate [--registry PATH] [--out DIR] [--api vulkan|vulkansc] [--spec DIR | --no-docs] [--check] [--coverage]
  cargo xtask diff OLD.xml NEW.xml [--format text|markdown|json] [--deny-breaking]
  cargo xtask update-registry (VERSION | --from PATH) [--format text|markdown|json] [--root DIR]
  cargo xtask bench [--registry PATH] [--runs N] [--spec DIR | --no-docs] [--in-process | --pause SECONDS]
  cargo xtask pypi-parity VERSION...   (vulkan-object releases from PyPI, against Khronos' model)";

/// Small blocks from per-thread lists, see `pool.rs` (on Linux with glibc, whose `pthread`
/// key type it declares; elsewhere the system's allocator).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[global_allocator]
static POOL: pool::Pool = pool::Pool;

fn main() -> ExitCode {
    heap::set_up();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("generate") => cmd_generate(&args[1..]),
        Some("diff") => cmd_diff(&args[1..]),
        Some("update-registry") => cmd_update_registry(&args[1..]),
        Some("bench") => cmd_bench(&args[1..]),
        Some("bench-run") => cmd_bench_run(&args[1..]),
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

#[derive(Default)]
struct Args {
    registry: Option<PathBuf>,
    out: Option<PathBuf>,
    api: Option<Api>,
    check: bool,
    runs: Option<usize>,
    /// All benchmark runs in one process.
    in_process: bool,
    /// Seconds the benchmark waits before each process it starts.
    pause: Option<f64>,
    format: Option<Format>,
    deny_breaking: bool,
    from: Option<PathBuf>,
    root: Option<PathBuf>,
    spec: Option<PathBuf>,
    no_docs: bool,
    /// List every enumerant without a description (generate).
    coverage: bool,
    positional: Vec<String>,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--registry" => parsed.registry = Some(PathBuf::from(value("--registry")?)),
            "--out" => parsed.out = Some(PathBuf::from(value("--out")?)),
            "--from" => parsed.from = Some(PathBuf::from(value("--from")?)),
            "--root" => parsed.root = Some(PathBuf::from(value("--root")?)),
            "--spec" => parsed.spec = Some(PathBuf::from(value("--spec")?)),
            "--no-docs" => parsed.no_docs = true,
            "--in-process" => parsed.in_process = true,
            "--coverage" => parsed.coverage = true,
            "--api" => {
                let v = value("--api")?;
                parsed.api =
                    Some(Api::parse(&v).ok_or_else(|| format!("--api: `{v}` is neither vulkan nor vulkansc"))?);
            }
            "--format" => {
                let v = value("--format")?;
                parsed.format =
                    Some(Format::parse(&v).ok_or_else(|| format!("--format: `{v}` is not text, markdown or json"))?);
            }
            "--runs" => {
                let v = value("--runs")?;
                parsed.runs = Some(v.parse().map_err(|_| format!("--runs: `{v}` is not a number"))?);
            }
            "--pause" => {
                let v = value("--pause")?;
                let seconds: f64 = v.parse().map_err(|_| format!("--pause: `{v}` is not a number of seconds"))?;
                if !(0.0..=600.0).contains(&seconds) {
                    return Err(format!("--pause: {v} s is not between 0 and 600"));
                }
                parsed.pause = Some(seconds);
            }
            "--check" => parsed.check = true,
            "--deny-breaking" => parsed.deny_breaking = true,
            other if other.starts_with("--") => return Err(format!("unknown argument `{other}`\n{USAGE}")),
            other => parsed.positional.push(other.to_owned()),
        }
    }
    Ok(parsed)
}

fn workspace(args: &Args) -> Workspace {
    Workspace { root: args.root.clone().unwrap_or_else(root) }
}

/// The specification to read: `--spec`, or `../shared/vulkan-docs`; none with `--no-docs`.
fn spec(args: &Args, ws: &Workspace) -> Result<Option<(PathBuf, String)>, String> {
    if args.no_docs {
        return Ok(None);
    }
    let dir = args.spec.clone().unwrap_or_else(|| ws.default_spec());
    if !dir.join("config/attribs.adoc").is_file() {
        return Err(format!(
            "{}: not a specification folder (no config/attribs.adoc); give --spec DIR, or --no-docs for docs without the specification's text",
            dir.display()
        ));
    }
    Ok(Some((dir, ws.spec_release()?)))
}

/// What to generate from the command line's arguments: the registry (`--registry`, or the
/// workspace's `vk.xml`), the API, the specification, into `out`.
fn options(args: &Args, ws: &Workspace, out: PathBuf, check: bool) -> Result<Options, String> {
    Ok(Options {
        registry: args.registry.clone().unwrap_or_else(|| ws.vk_xml()),
        out,
        api: args.api.unwrap_or(Api::Vulkan),
        check,
        crate_version: ws.crate_version()?,
        spec: spec(args, ws)?,
    })
}

fn cmd_generate(args: &[String]) -> Result<ExitCode, String> {
    let args = parse_args(args)?;
    if !args.positional.is_empty() {
        return Err(format!("unexpected `{}`\n{USAGE}", args.positional[0]));
    }
    let ws = workspace(&args);
    let out = args.out.clone().unwrap_or_else(|| ws.generated());
    let options = options(&args, &ws, out.clone(), args.check)?;
    if options.spec.is_none() {
        println!("--no-docs: the docs carry no specification text");
    }
    let report = generate(&options).map_err(|e| e.to_string())?;
    if let Some(c) = &report.coverage {
        println!(
            "docs: {}/{} types with their reference page, {}/{} enumerants (not aliases) with their own description",
            c.types_with_refpage, c.types, c.enumerants_described, c.enumerants
        );
        print_coverage_gaps(c, args.coverage);
    }
    for w in &report.warnings {
        eprintln!("warning: {}:{}: <{}>: {}", options.registry.display(), w.pos, w.element, w.message);
    }
    if args.check {
        if report.changed.is_empty() {
            println!("{} is fresh (vk.xml {})", out.display(), report.registry_version);
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("{} is stale; regenerate with `cargo xtask generate`. Files that differ:", out.display());
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
        out.display(),
        report.changed.len(),
        report.files
    );
    Ok(ExitCode::SUCCESS)
}

fn load_model(path: &Path) -> Result<model::Model, String> {
    let reg = registry::read(path).map_err(|e| e.to_string())?;
    model::build(&reg, Api::Vulkan).map_err(|e| e.to_string())
}

fn cmd_diff(args: &[String]) -> Result<ExitCode, String> {
    let args = parse_args(args)?;
    let [old, new] = &args.positional[..] else {
        return Err(format!("diff needs OLD.xml and NEW.xml\n{USAGE}"));
    };
    let d = diff::diff(&load_model(Path::new(old))?, &load_model(Path::new(new))?);
    print!("{}", diff::render(&d, args.format.unwrap_or(Format::Text)));
    if args.deny_breaking && d.breaking() > 0 {
        eprintln!("{} breaking changes", d.breaking());
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// Takes a new vk.xml (from PyPI or a file), regenerates, bumps the crate version by the
/// report's semver step and prints the report. Nothing changes unless all of it works.
fn cmd_update_registry(args: &[String]) -> Result<ExitCode, String> {
    let args = parse_args(args)?;
    let ws = workspace(&args);
    let new_xml = match (&args.from, &args.positional[..]) {
        (Some(path), []) => path.clone(),
        (None, [version]) => pypi::fetch(&root().join("target/pypi"), version)?.vk_xml(),
        _ => return Err(format!("update-registry needs a VERSION or --from PATH\n{USAGE}")),
    };
    let new_bytes = std::fs::read(&new_xml).map_err(|e| format!("{}: {e}", new_xml.display()))?;
    let new_model = load_model(&new_xml)?;
    let old_model = load_model(&ws.vk_xml())?;
    let d = diff::diff(&old_model, &new_model);
    let old_version = ws.crate_version()?;
    let new_version =
        d.step().apply(&old_version).ok_or_else(|| format!("crate version `{old_version}` is not x.y.z"))?;
    // Generate from the new file where it stands; only then replace vk.xml and the version.
    let options = Options {
        registry: new_xml.clone(),
        out: ws.generated(),
        api: Api::Vulkan,
        check: false,
        crate_version: new_version.clone(),
        spec: spec(&args, &ws)?,
    };
    let report = generate(&options).map_err(|e| e.to_string())?;
    workspace::replace_file(&ws.vk_xml(), &new_bytes)?;
    ws.set_crate_version(&new_version)?;
    print!("{}", diff::render(&d, args.format.unwrap_or(Format::Text)));
    println!(
        "vk.xml {} -> {}; vulkan-enums {old_version} -> {new_version}+{}; {} files changed",
        d.old_version,
        d.new_version,
        report.registry_version,
        report.changed.len()
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

/// The types without a reference page and the enumerants without a description: counted
/// per type (the largest first), or, with `--coverage`, every name.
fn print_coverage_gaps(c: &vkxml_codegen::docs::Coverage, all: bool) {
    if !c.types_without.is_empty() {
        println!("  types without a reference page: {}", c.types_without.join(", "));
    }
    let mut by_type: Vec<(&str, Vec<&str>)> = Vec::new();
    for (ty, e) in &c.enumerants_without {
        match by_type.iter_mut().find(|(t, _)| t == ty) {
            Some((_, list)) => list.push(e),
            None => by_type.push((ty, vec![e])),
        }
    }
    if all {
        for (ty, list) in &by_type {
            println!("  {ty}: {}", list.join(", "));
        }
        return;
    }
    by_type.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    let shown: Vec<String> = by_type.iter().take(8).map(|(t, l)| format!("{t} {}", l.len())).collect();
    println!(
        "  without a description, by type: {}{} (`--coverage` lists every one)",
        shown.join(", "),
        if by_type.len() > 8 { format!(", and {} more types", by_type.len() - 8) } else { String::new() }
    );
}

/// Peak resident memory of this process, from /proc (Linux).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The phases of one run, and its whole time in the process.
type Run = (Phases, Duration);

/// One run of the benchmark: the generate it times, into a fresh temporary folder. With
/// `next_run_follows` (all runs in one process) it waits for the freeing that `generate`
/// leaves running, so that the peak memory is one run's; a process of its own exits
/// without waiting, as `cargo xtask generate` does (until the tenth session it waited
/// there too, timing work no caller waits for).
fn bench_run(args: &Args, ws: &Workspace, out: &Path, next_run_follows: bool) -> Result<Run, String> {
    let _ = std::fs::remove_dir_all(out);
    let options = options(args, ws, out.to_path_buf(), false)?;
    let start = std::time::Instant::now();
    let report = generate(&options).map_err(|e| e.to_string())?;
    let total = start.elapsed();
    if let Some(freeing) = report.freeing.filter(|_| next_run_follows) {
        let _ = freeing.join();
    }
    Ok((report.phases, total))
}

/// `xtask bench-run ...` (what `bench` starts, once per run): one timed run, reported on
/// stdout as `run`, the phases (in [`Phases::all_mut`]'s order) and the run's total in
/// nanoseconds, then `rss` (the peak, in KiB) and `heap` lines.
fn cmd_bench_run(args: &[String]) -> Result<ExitCode, String> {
    let args = parse_args(args)?;
    let ws = workspace(&args);
    // `bench` names the folder and removes it once this process exited.
    let out =
        args.out.clone().unwrap_or_else(|| std::env::temp_dir().join(format!("vkxml-bench-{}", std::process::id())));
    let run = bench_run(&args, &ws, &out, false);
    if args.out.is_none() {
        let _ = std::fs::remove_dir_all(&out);
    }
    let (mut phases, total) = run?;
    let mut line = String::from("run");
    for phase in phases.all_mut() {
        line.push_str(&format!(" {}", phase.as_nanos()));
    }
    println!("{line} {}", total.as_nanos());
    println!("rss {:.0}", peak_rss_mb().unwrap_or(0.0) * 1024.0);
    println!("heap {}", heap::described());
    Ok(ExitCode::SUCCESS)
}

/// The yardstick's program (`src/bin/roxmltree-alone.rs`), beside this one; built first
/// when it is not there (`cargo xtask` builds only the `xtask` program of the package),
/// into the same target folder and profile, untimed.
fn reference_program() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("the benchmark's own program: {e}"))?;
    let reference = exe.with_file_name(format!("roxmltree-alone{}", std::env::consts::EXE_SUFFIX));
    if reference.exists() {
        return Ok(reference);
    }
    let profile_dir = exe.parent().ok_or("the benchmark's own program has no folder")?;
    let target_dir = profile_dir.parent().ok_or("the benchmark's own program is not in a target folder")?;
    let mut build = std::process::Command::new(env!("CARGO"));
    build.args(["build", "--quiet", "-p", "xtask", "--bin", "roxmltree-alone", "--target-dir"]).arg(target_dir);
    if profile_dir.file_name().is_some_and(|n| n == "release") {
        build.arg("--release");
    }
    let status = build.current_dir(root()).status().map_err(|e| format!("building the yardstick: {e}"))?;
    if !status.success() || !reference.exists() {
        return Err(format!("the yardstick {} could not be built ({status})", reference.display()));
    }
    Ok(reference)
}

/// The wall time of one `roxmltree-alone` process, start to exit, and what it used.
fn reference_process(program: &Path, registry: &Path) -> Result<(Duration, Option<usage::Usage>), String> {
    let start = std::time::Instant::now();
    let (status, used) = usage::of_child(|| std::process::Command::new(program).arg(registry).status());
    let status = status.map_err(|e| format!("starting {}: {e}", program.display()))?;
    let wall = start.elapsed();
    if !status.success() {
        return Err(format!("the reference failed ({status})"));
    }
    Ok((wall, used))
}

/// What one `bench-run` process reported, and its wall time from start to exit.
struct ProcessRun {
    run: Run,
    process: Duration,
    peak_mb: f64,
    heap: String,
    /// CPU time and page faults, start to exit.
    used: Option<usage::Usage>,
}

/// Starts `bench-run` with the benchmark's arguments and reads its report.
fn bench_process(forwarded: &[String]) -> Result<ProcessRun, String> {
    let exe = std::env::current_exe().map_err(|e| format!("the benchmark's own program: {e}"))?;
    let start = std::time::Instant::now();
    let (out, used) = usage::of_child(|| {
        std::process::Command::new(exe).arg("bench-run").args(forwarded).stderr(std::process::Stdio::inherit()).output()
    });
    let out = out.map_err(|e| format!("starting a run: {e}"))?;
    let process = start.elapsed();
    if !out.status.success() {
        return Err(format!("a run failed ({})", out.status));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |name: &str| text.lines().find_map(|l| l.strip_prefix(name)).map(str::trim);
    let bad = || format!("a run's report is not understood:\n{text}");
    let nanos: Vec<u64> =
        field("run ").ok_or_else(bad)?.split(' ').map(|n| n.parse().map_err(|_| bad())).collect::<Result<_, _>>()?;
    let mut phases = Phases::default();
    let slots = phases.all_mut();
    let Some((&total, nanos)) = nanos.split_last().filter(|(_, n)| n.len() == slots.len()) else {
        return Err(bad());
    };
    for (slot, &n) in slots.into_iter().zip(nanos) {
        *slot = Duration::from_nanos(n);
    }
    let peak_kb: f64 = field("rss ").and_then(|v| v.parse().ok()).ok_or_else(bad)?;
    Ok(ProcessRun {
        run: (phases, Duration::from_nanos(total)),
        process,
        peak_mb: peak_kb / 1024.0,
        heap: field("heap ").unwrap_or_default().to_owned(),
        used,
    })
}

/// `cargo xtask bench`: every run a process of its own, as `generate` runs (the default),
/// or all runs in this one (`--in-process`: later runs find warm caches and memory the
/// allocator kept).
fn cmd_bench(args: &[String]) -> Result<ExitCode, String> {
    let parsed = parse_args(args)?;
    let runs = parsed.runs.unwrap_or(15).max(1);
    let registry = parsed.registry.clone().unwrap_or_else(|| workspace(&parsed).vk_xml());
    let mut results: Vec<Run> = Vec::new();
    let mut processes: Vec<Duration> = Vec::new();
    let mut references: Vec<Duration> = Vec::new();
    let mut processes_no_docs: Vec<Duration> = Vec::new();
    let mut peaks: Vec<f64> = Vec::new();
    // CPU time and page faults of each process: runs, runs without docs, references.
    let mut used: [Vec<usage::Usage>; 3] = Default::default();
    let mut heap = heap::described().to_owned();
    if parsed.in_process && parsed.pause.is_some() {
        return Err(format!("--pause waits before each process: it does not go with --in-process\n{USAGE}"));
    }
    // With `--pause`, each process starts after the machine sat idle that long, as a
    // maintainer's single `generate` does: in a virtual machine whose host takes back the
    // memory the guest left free (a balloon's free page reporting), the first touches of
    // fresh memory then cost more than in runs that follow each other.
    let pause = || {
        if let Some(seconds) = parsed.pause {
            std::thread::sleep(Duration::from_secs_f64(seconds));
        }
    };
    if parsed.in_process {
        let ws = workspace(&parsed);
        let out = std::env::temp_dir().join(format!("vkxml-bench-{}", std::process::id()));
        for _ in 0..runs {
            let run = bench_run(&parsed, &ws, &out, true);
            results.push(run.inspect_err(|_| drop(std::fs::remove_dir_all(&out)))?);
            // The first run's peak is what one `generate` process takes.
            if peaks.is_empty() {
                peaks.extend(peak_rss_mb());
            }
        }
        let _ = std::fs::remove_dir_all(&out);
    } else {
        // The same arguments, but for how many runs and where they run and write: each
        // process writes a whole new crate into a folder this one removes after it
        // exited, so that the removal (a millisecond) is not timed as part of a run.
        let out = std::env::temp_dir().join(format!("vkxml-bench-{}", std::process::id()));
        let out_arg = out.to_str().ok_or_else(|| format!("{}: the temporary folder is not UTF-8", out.display()))?;
        let mut forwarded = Vec::new();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--runs" | "--pause" | "--out" => drop(it.next()),
                "--in-process" => {}
                _ => forwarded.push(arg.clone()),
            }
        }
        forwarded.extend(["--out".to_owned(), out_arg.to_owned()]);
        let _ = std::fs::remove_dir_all(&out);
        // With docs, a run without them follows each run: what the docs add to a whole
        // process is the difference, taken in the same minutes.
        let without_docs = !parsed.no_docs;
        let mut forwarded_no_docs = forwarded.clone();
        forwarded_no_docs.push("--no-docs".to_owned());
        let reference = reference_program()?;
        for _ in 0..runs {
            // The reference right before each run, so that both see the same spell.
            pause();
            let (wall, reference_used) = reference_process(&reference, &registry)?;
            references.push(wall);
            used[2].extend(reference_used);
            pause();
            let run = bench_process(&forwarded)?;
            let _ = std::fs::remove_dir_all(&out);
            results.push(run.run);
            processes.push(run.process);
            peaks.push(run.peak_mb);
            heap = run.heap;
            used[0].extend(run.used);
            if without_docs {
                pause();
                let run = bench_process(&forwarded_no_docs)?;
                let _ = std::fs::remove_dir_all(&out);
                processes_no_docs.push(run.process);
                used[1].extend(run.used);
            }
        }
    }
    // Median and fastest run of each phase: on a shared machine the fastest shows what the
    // code costs, the median what a run usually takes.
    let row = |all: Vec<Duration>| {
        let fastest = all.iter().min().copied().unwrap_or_default();
        format!("{:>9} {:>9}", ms(median(all)), ms(fastest))
    };
    let pick = |f: fn(&Phases) -> Duration| row(results.iter().map(|(p, _)| f(p)).collect());
    let how = match parsed.pause {
        _ if parsed.in_process => "all in this process".to_owned(),
        Some(seconds) => format!("each a process of its own, started after {seconds} s idle"),
        None => "each a process of its own".to_owned(),
    };
    println!("generate {} ({runs} runs, {how})", registry.display());
    println!("  phase                 median   fastest");
    println!("  read               {}  (vk.xml mapped; its pages are touched in parse)", pick(|p| p.read));
    println!("  parse              {}", pick(|p| p.parse));
    println!("  resolve            {}", pick(|p| p.resolve));
    println!("  docs               {}  (critical path, after resolve)", pick(|p| p.docs));
    println!("    spec listed      {}  (pool thread, as vk.xml's pieces merge)", pick(|p| p.spec_read));
    println!("    spec read+index  {}  (beside resolve, every free core)", pick(|p| p.spec_index));
    println!("    made ahead       {}  (files the docs do not touch, while the index is made)", pick(|p| p.ahead));
    println!("  emit               {}  (summed over threads)", pick(|p| p.emit));
    println!("  format             {}  (summed over threads)", pick(|p| p.format));
    println!("  emit+format wall   {}  (each part compared or written as it comes)", pick(|p| p.emit_and_format_wall));
    println!("  write              {}  (summed over threads, and the swap after)", pick(|p| p.write));
    println!("  total              {}  (read to write)", row(results.iter().map(|(_, t)| *t).collect()));
    if !processes.is_empty() {
        let (process, reference) = (median(processes.clone()), median(references.clone()));
        println!("  whole process      {}  (start to exit, as a caller waits for it)", row(processes));
        if !processes_no_docs.is_empty() {
            let without = median(processes_no_docs.clone());
            println!("    without docs     {}  (a --no-docs process after each run)", row(processes_no_docs));
            println!("    docs add         {:>9}  (the two medians' difference)", ms(process.saturating_sub(without)));
        }
        println!("  reference          {}  (roxmltree alone reads and parses it, a process too)", row(references));
        println!("  whole process / reference: {:.2} (their medians)", process.as_secs_f64() / reference.as_secs_f64());
    }
    if parsed.in_process {
        if let (Some(first), Some(all)) = (peaks.first(), peak_rss_mb()) {
            println!("  peak RSS {first:.1} MB (first run), {all:.1} MB (all {runs} runs in one process)");
        }
    } else {
        let most = peaks.iter().copied().fold(0.0, f64::max);
        peaks.sort_by(f64::total_cmp);
        println!("  peak RSS {:.1} MB (median of the processes), {most:.1} MB (largest)", peaks[peaks.len() / 2]);
        let labels = ["CPU time         ", "  without docs   ", "  reference      "];
        for (label, used) in labels.iter().zip(&used) {
            if let Some(u) = usage::medians(used) {
                println!(
                    "  {label}user {}, system {}, {} page faults (medians of the processes)",
                    ms(u.user).trim(),
                    ms(u.system).trim(),
                    u.faults
                );
            }
        }
    }
    println!("  heap: {heap}");
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
