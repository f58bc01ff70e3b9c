//! Files konbit writes whole: written aside, flushed to disk, then renamed over the old one, so
//! that a crash leaves the old text or the new one, never half of either.

use std::io::Write;
use std::path::Path;

/// Writes `text` to `path` atomically, making its folder if needed. The aside file is
/// `.<name>.new` in the same folder (a rename is atomic within one file system only).
pub fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let aside = path.with_file_name(format!(".{name}.new"));
    let mut out = std::fs::File::create(&aside)?;
    out.write_all(text.as_bytes())?;
    out.sync_all()?;
    std::fs::rename(&aside, path)
}
