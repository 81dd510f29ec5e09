//! Files of a server, and the signed URLs of Wings.

use serde::Serialize;

model! {
    /// A file or directory (`FileObjectTransformer`, from Wings' stat).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct FileObject {
        /// Base name.
        pub name: String,
        /// Permissions as `ls -l` prints them, e.g. `-rw-r--r--`.
        pub mode: String,
        /// Permission bits in octal, e.g. `644`.
        pub mode_bits: String,
        /// Size in bytes.
        pub size: u64,
        /// Whether it is a regular file.
        pub is_file: bool,
        /// Whether it is a symbolic link.
        pub is_symlink: bool,
        /// MIME type; directories are `inode/directory`.
        pub mimetype: String,
        /// Creation time (ISO-8601).
        pub created_at: String,
        /// Last modification time (ISO-8601).
        pub modified_at: String,
    }
}

impl FileObject {
    /// Whether it is a directory (neither a file nor a link to one).
    pub fn is_directory(&self) -> bool {
        self.mimetype == "inode/directory"
    }
}

model! {
    /// A URL on Wings to download or upload with (`signed_url`). It holds a token that works once
    /// and expires after 15 minutes (5 for an S3 backup): ask for a new URL for every transfer.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct SignedUrl {
        /// The URL; needs no API key.
        pub url: String,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::round_trip;
    use serde_json::json;

    #[test]
    fn file_object_decodes_and_round_trips() {
        let f: FileObject = round_trip(json!({
            "name": "plugins", "mode": "drwxr-xr-x", "mode_bits": "755", "size": 4096,
            "is_file": false, "is_symlink": false, "mimetype": "inode/directory",
            "created_at": "2024-10-24T12:04:30+00:00", "modified_at": "2024-10-24T12:04:30+00:00",
            "owner": "container"
        }));
        assert!(f.is_directory());
        assert_eq!((f.mode_bits.as_str(), f.size), ("755", 4096));
        assert_eq!(f.extra["owner"], "container");
    }

    #[test]
    fn signed_url_decodes_and_round_trips() {
        let u: SignedUrl = round_trip(json!({"url": "https://node1.example.com:8080/download/file?token=x"}));
        assert!(u.url.contains("token="));
    }
}
