//! Files and folders of the repositories (custom extensions, documents, get-files).

use chrono::{DateTime, Utc};
use msp_common::lenient;
use serde::{Deserialize, Serialize};

/// A file or folder of a repository (custom extensions, documents, get-files).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct FileEntry {
    /// `Name`
    pub name: Option<String>,
    /// `Size` in bytes
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub size: Option<i64>,
    /// `LastUploadTime`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub last_upload_time: Option<DateTime<Utc>>,
    /// `ParentPath`
    pub parent_path: Option<String>,
    /// `isFile` (`IsFile` is read too): a file rather than a folder.
    #[serde(
        rename = "isFile",
        alias = "IsFile",
        deserialize_with = "lenient::opt_bool"
    )]
    pub is_file: Option<bool>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}
