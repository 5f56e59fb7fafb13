//! The workspace as the commands see it: root folder -> the paths of `vk.xml`,
//! `generated/` and the generated crate's recorded version (in the root `Cargo.toml`).

use std::path::{Path, PathBuf};

const SECTION: &str = "[workspace.metadata.vulkan-enums]";

pub struct Workspace {
    pub root: PathBuf,
}

impl Workspace {
    pub fn vk_xml(&self) -> PathBuf {
        self.root.join("vk.xml")
    }

    pub fn generated(&self) -> PathBuf {
        self.root.join("generated")
    }

    fn manifest(&self) -> PathBuf {
        self.root.join("Cargo.toml")
    }

    /// The specification sources beside the project.
    pub fn default_spec(&self) -> PathBuf {
        self.root.join("../shared/vulkan-docs")
    }

    fn metadata(&self, key: &str) -> Result<Option<String>, String> {
        let text = read(&self.manifest())?;
        let mut in_section = false;
        let prefix = format!("{key} = \"");
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                in_section = line == SECTION;
            } else if in_section {
                if let Some(v) = line.strip_prefix(&prefix).and_then(|r| r.strip_suffix('"')) {
                    return Ok(Some(v.to_owned()));
                }
            }
        }
        Ok(None)
    }

    /// The generated crate's version recorded in the root manifest.
    pub fn crate_version(&self) -> Result<String, String> {
        Ok(self.metadata("version")?.unwrap_or_else(|| vkxml_codegen::DEFAULT_CRATE_VERSION.to_owned()))
    }

    /// The release of the specification the docs use.
    pub fn spec_release(&self) -> Result<String, String> {
        self.metadata("spec-release")?
            .ok_or_else(|| format!("{}: no `spec-release` under {SECTION}", self.manifest().display()))
    }

    /// Records a new version (the file is replaced whole, by rename).
    pub fn set_crate_version(&self, version: &str) -> Result<(), String> {
        let path = self.manifest();
        let text = read(&path)?;
        let mut in_section = false;
        let mut done = false;
        let mut out = String::with_capacity(text.len());
        for line in text.lines() {
            let trimmed = line.trim();
            if trimmed.starts_with('[') {
                in_section = trimmed == SECTION;
            }
            if in_section && !done && trimmed.starts_with("version = \"") {
                out.push_str(&format!("version = \"{version}\"\n"));
                done = true;
            } else {
                out.push_str(line);
                out.push('\n');
            }
        }
        if !done {
            return Err(format!("{}: no `version` under {SECTION}", path.display()));
        }
        replace_file(&path, out.as_bytes())
    }
}

pub fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes a file beside its place, then renames it there: readers see old or new, whole.
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension("tmp-update");
    std::fs::write(&tmp, bytes).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("{}: {e}", path.display())
    })
}
