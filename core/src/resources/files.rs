//! `server.files.*`.
//!
//! Every `root` is a directory of the server (`"/"` for its root), and the names given with it
//! are relative to it. The panel marks some `root`s nullable but also required, and Laravel's
//! `required` refuses `null`: a root is therefore always a string, and always sent.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use std::io::Write;
use std::ops::ControlFlow;
use std::path::Path;

use super::{Caller, ServerHandle};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::models::{FileObject, SignedUrl};
use crate::transfer::{Progress, Upload};

/// `server.files.*`.
#[derive(Clone, Debug)]
pub struct Files<'c, C = Client> {
    pub(super) server: ServerHandle<'c, C>,
}

impl<C: Caller> Files<'_, C> {
    /// The entries of a directory (`server.files.list`; `None`: the server's root).
    pub fn list(&self, directory: Option<&str>) -> C::Out<Vec<FileObject>> {
        let p = self.server.with(json!({ "directory": directory }));
        self.server.client.typed("server.files.list", p)
    }

    /// A file's content, byte for byte (`server.files.contents`). The panel refuses files over
    /// its edit limit (4 MiB by default) with 400.
    pub fn contents(&self, file: &str) -> C::Out<Vec<u8>> {
        self.server.client.bytes("server.files.contents", self.server.with(json!({ "file": file })))
    }

    /// A file's content as text. Fails with [`Error::Decode`] when the file is not UTF-8: read
    /// such a file with [`Files::contents`].
    pub fn contents_text(&self, file: &str) -> C::Out<String> {
        let name = file.to_owned();
        C::map(self.contents(file), move |bytes| {
            String::from_utf8(bytes).map_err(|e| Error::Decode {
                path: String::from("$"),
                message: format!(
                    "{name:?} is not UTF-8 text (invalid byte at offset {}); read it as bytes with \
                     `files().contents()`",
                    e.utf8_error().valid_up_to()
                ),
            })
        })
    }

    /// A one-time URL on Wings that serves the file (`server.files.download`); valid 15
    /// minutes, needs no key.
    pub fn download_url(&self, file: &str) -> C::Out<SignedUrl> {
        self.server.client.typed("server.files.download", self.server.with(json!({ "file": file })))
    }

    /// Renames or moves entries, each `(from, to)` relative to `root` (`server.files.rename`).
    pub fn rename(&self, root: &str, files: &[(&str, &str)]) -> C::Out<()> {
        let files: Vec<Value> = files.iter().map(|(from, to)| json!({ "from": from, "to": to })).collect();
        let p = self.server.with(json!({ "root": root, "files": files }));
        self.server.client.unit("server.files.rename", p)
    }

    /// Copies a file next to itself as `"<name> copy"` (`server.files.copy`); `location` is the
    /// file's full path.
    pub fn copy(&self, location: &str) -> C::Out<()> {
        self.server.client.unit("server.files.copy", self.server.with(json!({ "location": location })))
    }

    /// Writes `content` to a file, replacing it or making it (`server.files.write`). The bytes
    /// are sent as they are, as the raw request body.
    ///
    /// ```no_run
    /// # let client = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_...")?;
    /// client.server("d3aac109").files().write("/eula.txt", b"eula=true\n")?;
    /// # Ok::<(), pterodactyl_client::Error>(())
    /// ```
    pub fn write(&self, file: &str, content: &[u8]) -> C::Out<()> {
        let p = self.server.with(json!({ "file": file }));
        self.server.client.unit_with_content("server.files.write", p, content.to_vec())
    }

    /// Packs entries of `root` into a new `.tar.gz` next to them (`server.files.compress`) and
    /// describes it. The panel waits for Wings up to 15 minutes.
    pub fn compress(&self, root: &str, files: &[&str]) -> C::Out<FileObject> {
        let p = self.server.with(json!({ "root": root, "files": files }));
        self.server.client.typed("server.files.compress", p)
    }

    /// Unpacks an archive of `root` into `root` (`server.files.decompress`).
    pub fn decompress(&self, root: &str, file: &str) -> C::Out<()> {
        let p = self.server.with(json!({ "root": root, "file": file }));
        self.server.client.unit("server.files.decompress", p)
    }

    /// Deletes entries of `root` (`server.files.delete`).
    pub fn delete(&self, root: &str, files: &[&str]) -> C::Out<()> {
        let p = self.server.with(json!({ "root": root, "files": files }));
        self.server.client.unit("server.files.delete", p)
    }

    /// Makes a directory `name` in `root` (`server.files.create_folder`).
    pub fn create_folder(&self, root: &str, name: &str) -> C::Out<()> {
        let p = self.server.with(json!({ "root": root, "name": name }));
        self.server.client.unit("server.files.create_folder", p)
    }

    /// Sets permission bits, each `(file, mode)` with `file` relative to `root`
    /// (`server.files.chmod`). Write modes as octal literals: `0o755`. Wings reads the mode as
    /// a string of octal digits, so it is sent as `"755"`.
    ///
    /// ```no_run
    /// # let client = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_...")?;
    /// client.server("d3aac109").files().chmod("/", &[("start.sh", 0o755)])?;
    /// # Ok::<(), pterodactyl_client::Error>(())
    /// ```
    pub fn chmod(&self, root: &str, files: &[(&str, u32)]) -> C::Out<()> {
        let files: Vec<Value> =
            files.iter().map(|(file, mode)| json!({ "file": file, "mode": format!("{mode:o}") })).collect();
        let p = self.server.with(json!({ "root": root, "files": files }));
        self.server.client.unit("server.files.chmod", p)
    }

    /// Has Wings download a URL into the server (`server.files.pull`). The panel allows 10
    /// pulls per 5 minutes (429), Wings 3 at a time per server (400).
    pub fn pull(&self, params: &PullFile) -> C::Out<()> {
        self.server.client.unit("server.files.pull", self.server.with_params(params))
    }

    /// A one-time URL on Wings to upload to (`server.files.upload`): `POST` multipart parts
    /// named `files` to it, with `&directory=<dir>` appended. Valid 15 minutes; ask for a new one
    /// for every upload.
    pub fn upload_url(&self) -> C::Out<SignedUrl> {
        self.server.client.typed("server.files.upload", self.server.params())
    }
}

/// Transfers: the file itself, streamed through a fresh signed URL on Wings each time (see
/// [`Client::download_signed`] for the rules). Blocking client only.
impl Files<'_, Client> {
    /// A fresh signed download URL for `file`. The panel decodes the path once more before it
    /// goes into the token (client-api.md §2.3), so a `%` is escaped once more here.
    fn fresh_download_url(&self, file: &str) -> Result<String> {
        let p = self.server.with(json!({ "file": file.replace('%', "%25") }));
        let signed: SignedUrl = self.server.client.typed("server.files.download", p)?;
        Ok(signed.url)
    }

    /// Downloads `file` into `out`, streaming: memory stays flat whatever the size. Asks the
    /// panel for a signed URL (`server.files.download`) and fetches it from Wings without the
    /// key. Answers the number of bytes written. On failure `out` may hold part of the file; use
    /// [`Files::download_to_path`] for all or nothing.
    ///
    /// ```no_run
    /// # let client = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_...")?;
    /// let mut log = Vec::new();
    /// client.server("d3aac109").files().download("/logs/latest.log", &mut log)?;
    /// # Ok::<(), pterodactyl_client::Error>(())
    /// ```
    pub fn download(&self, file: &str, out: impl Write + Send) -> Result<u64> {
        self.download_with(file, out, |_| ControlFlow::Continue(()))
    }

    /// [`Files::download`] with a progress callback ([`Progress`]; `ControlFlow::Break(())`
    /// cancels with [`Error::Cancelled`]).
    pub fn download_with(
        &self,
        file: &str,
        mut out: impl Write + Send,
        mut progress: impl FnMut(Progress) -> ControlFlow<()> + Send,
    ) -> Result<u64> {
        self.server.client.download_fresh(|| self.fresh_download_url(file), &mut out, &mut progress)
    }

    /// Downloads `file` into the local file `dest`, all or nothing: the bytes go to a temporary
    /// file beside `dest`, renamed to `dest` only once the whole file arrived (its length checked
    /// against `Content-Length`). A failure (a broken connection, a full disk, a cancel) leaves
    /// no partial file, and an existing `dest` untouched.
    ///
    /// ```no_run
    /// # let client = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_...")?;
    /// let bytes = client.server("d3aac109").files().download_to_path("/world.zip", "world.zip")?;
    /// # Ok::<(), pterodactyl_client::Error>(())
    /// ```
    pub fn download_to_path(&self, file: &str, dest: impl AsRef<Path>) -> Result<u64> {
        self.download_to_path_with(file, dest, |_| ControlFlow::Continue(()))
    }

    /// [`Files::download_to_path`] with a progress callback.
    ///
    /// ```no_run
    /// # let client = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_...")?;
    /// use std::ops::ControlFlow;
    /// client.server("d3aac109").files().download_to_path_with("/world.zip", "world.zip", |p| {
    ///     eprint!("\r{} of {:?} bytes", p.done, p.total);
    ///     ControlFlow::Continue(())
    /// })?;
    /// # Ok::<(), pterodactyl_client::Error>(())
    /// ```
    pub fn download_to_path_with(
        &self,
        file: &str,
        dest: impl AsRef<Path>,
        mut progress: impl FnMut(Progress) -> ControlFlow<()> + Send,
    ) -> Result<u64> {
        let url = || self.fresh_download_url(file);
        self.server.client.download_fresh_to_path(url, dest.as_ref(), &mut progress)
    }

    /// Uploads local files (or readers with a name) into `directory` of the server: one
    /// `multipart/form-data` POST to a fresh signed URL (`server.files.upload`), each file read
    /// from disk as it is sent. Wings refuses a file over its upload limit (100 MB by default)
    /// with [`Error::Wings`] 400. Answers the bytes of file content sent.
    ///
    /// ```no_run
    /// # let client = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_...")?;
    /// use pterodactyl_client::Upload;
    /// client.server("d3aac109").files().upload("/plugins", [Upload::path("build/MyPlugin.jar")])?;
    /// # Ok::<(), pterodactyl_client::Error>(())
    /// ```
    pub fn upload<'a>(&self, directory: &str, sources: impl IntoIterator<Item = Upload<'a>>) -> Result<u64> {
        self.upload_with(directory, sources, |_| ControlFlow::Continue(()))
    }

    /// [`Files::upload`] with a progress callback (the total is unknown when a reader's size
    /// was not given).
    pub fn upload_with<'a>(
        &self,
        directory: &str,
        sources: impl IntoIterator<Item = Upload<'a>>,
        mut progress: impl FnMut(Progress) -> ControlFlow<()> + Send,
    ) -> Result<u64> {
        let url = || -> Result<String> {
            let signed: SignedUrl = self.server.client.typed("server.files.upload", self.server.params())?;
            Ok(signed.url)
        };
        self.server.client.upload_fresh(url, directory, sources, &mut progress)
    }
}

/// Parameters of `server.files.pull`.
///
/// ```
/// use pterodactyl_client::PullFile;
/// let params = PullFile::new("https://example.com/plugin.jar").directory("/plugins").use_header(true);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PullFile {
    /// What to download.
    pub url: String,
    /// Where to put it (default: the server's root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory: Option<String>,
    /// The file name to save as (default: from the URL or the answer's headers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// Whether to take the file name from the answer's `Content-Disposition`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_header: Option<bool>,
    /// Whether the panel waits for the download to finish before answering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foreground: Option<bool>,
}

impl PullFile {
    /// Downloads `url` into the server's root under the name Wings picks.
    pub fn new(url: &str) -> Self {
        PullFile { url: url.to_owned(), ..Self::default() }
    }
    /// Sets the target directory.
    pub fn directory(mut self, directory: &str) -> Self {
        self.directory = Some(directory.to_owned());
        self
    }
    /// Sets the file name to save as.
    pub fn filename(mut self, filename: &str) -> Self {
        self.filename = Some(filename.to_owned());
        self
    }
    /// Takes the file name from the answer's `Content-Disposition`.
    pub fn use_header(mut self, yes: bool) -> Self {
        self.use_header = Some(yes);
        self
    }
    /// Waits for the download to finish.
    pub fn foreground(mut self, yes: bool) -> Self {
        self.foreground = Some(yes);
        self
    }
}
