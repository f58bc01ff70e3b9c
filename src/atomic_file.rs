//! Files konbit writes whole: written aside, flushed to disk, then renamed over the old one, so
//! that a crash leaves the old text or the new one, never half of either.

use std::io::Write;
use std::path::Path;

/// Writes `text` to `path` atomically, making its folder if needed. The aside file is
/// `.<name>.new` in the same folder (a rename is atomic within one file system only). The file
/// keeps the permissions it had (a roster readable by its owner only stays so); a new file gets
/// the usual ones.
pub fn write(path: &Path, text: &str) -> std::io::Result<()> {
    let kept = std::fs::metadata(path).ok().map(|meta| meta.permissions());
    write_with(path, text, kept)
}

/// Writes a secret (a signing key) atomically, readable and writable by its owner only, from
/// the moment its aside file exists.
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    #[cfg(unix)]
    let permissions = {
        use std::os::unix::fs::PermissionsExt;
        Some(std::fs::Permissions::from_mode(0o600))
    };
    #[cfg(not(unix))]
    let permissions = None;
    write_with(path, text, permissions)
}

fn write_with(
    path: &Path,
    text: &str,
    permissions: Option<std::fs::Permissions>,
) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let aside = path.with_file_name(format!(".{name}.new"));
    // A leftover of a crash is replaced, never reused with the permissions it had.
    match std::fs::remove_file(&aside) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(error),
        _ => {}
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if let Some(permissions) = &permissions {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        // Made with them: a secret is never readable by others, even for an instant.
        options.mode(permissions.mode());
    }
    let mut out = options.open(&aside)?;
    if let Some(permissions) = permissions {
        // The mode given at creation is narrowed by the umask; this sets it exactly.
        out.set_permissions(permissions)?;
    }
    out.write_all(text.as_bytes())?;
    out.sync_all()?;
    std::fs::rename(&aside, path)
}
