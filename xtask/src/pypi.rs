//! PyPI: a registry release number -> the `vulkan-object` package of that release, fetched
//! with pip into a cache folder: its `vk.xml` and its importable Python model.

use std::path::{Path, PathBuf};
use std::process::Command;

/// An unpacked `vulkan-object` release.
pub struct Release {
    /// The folder to put on `PYTHONPATH` (holds `vulkan_object/`).
    pub site: PathBuf,
}

impl Release {
    pub fn vk_xml(&self) -> PathBuf {
        self.site.join("vulkan_object/vk.xml")
    }
}

/// Fetches `vulkan-object==version` into `cache/<version>` (once; later calls reuse it).
pub fn fetch(cache: &Path, version: &str) -> Result<Release, String> {
    if version.is_empty() || !version.chars().all(|c| c.is_ascii_alphanumeric() || c == '.') {
        return Err(format!("`{version}` is not a release number such as 1.4.360"));
    }
    let dir = cache.join(version);
    let site = dir.join("site");
    let release = Release { site };
    if release.vk_xml().is_file() {
        return Ok(release);
    }
    let download = dir.join("download");
    std::fs::create_dir_all(&download).map_err(|e| format!("{}: {e}", download.display()))?;
    run(Command::new("python3")
        .args(["-m", "pip", "download", "--quiet", "--no-deps", "--disable-pip-version-check", "-d"])
        .arg(&download)
        .arg(format!("vulkan-object=={version}")))?;
    let wheel = std::fs::read_dir(&download)
        .map_err(|e| format!("{}: {e}", download.display()))?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .ok_or_else(|| format!("pip downloaded no wheel of vulkan-object {version}"))?;
    // A wheel is a zip: unpack it with Python's standard library, no install step.
    let staging = dir.join("site.tmp");
    let _ = std::fs::remove_dir_all(&staging);
    run(Command::new("python3").args(["-m", "zipfile", "-e"]).arg(&wheel).arg(&staging))?;
    let _ = std::fs::remove_dir_all(&release.site);
    std::fs::rename(&staging, &release.site).map_err(|e| format!("{}: {e}", release.site.display()))?;
    if !release.vk_xml().is_file() {
        return Err(format!("the wheel of vulkan-object {version} holds no vulkan_object/vk.xml"));
    }
    Ok(release)
}

fn run(command: &mut Command) -> Result<(), String> {
    let out = command.output().map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed:\n{}", String::from_utf8_lossy(&out.stderr)))
    }
}
