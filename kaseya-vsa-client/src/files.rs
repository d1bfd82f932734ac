//! Custom extensions, documents and get-files: `/assetmgmt/customextensions`,
//! `/assetmgmt/documents`, `/assetmgmt/getfiles`.
//!
//! # Paths
//!
//! A repository path is a [`RepoPath`]: folder names written with `/` (or `\`) between
//! them, as `apps/exe/utilities`, leading and trailing separators ignored; empty names
//! (`a//b`) and names made only of dots and spaces (`.`, `..`, `...`) are refused when
//! the path is made, before anything is sent. It
//! goes into the URL the way the guide shows it: one path segment per name, each
//! percent-encoded (so a space or a `#` in a name is safe, and a `/` stays a separator).
//! The top level of a repository ([`RepoPath::root`], `""` or `"/"`) is written as the
//! guide says, `folder//`; deleting from the custom extension repository prefixes the
//! path with `//`, as the guide says (`DELETE …/customextensions/{agentId}///apps/exe`).
//!
//! The `{source}` and `{destination}` of a rename or a move are one encoded segment each
//! (a `/` inside becomes `%2F`), since the server could not otherwise tell them apart;
//! an empty one, or one with a part made only of dots between its `/` and `\`, is
//! refused before anything is sent (IIS decodes `%2F` and resolves dot-segments before
//! the API sees the path). Control characters in any name are refused by the transport.
//!
//! Downloads return the body's exact bytes. Uploads are sent as `multipart/form-data`
//! with one part named `file`.

use crate::client::{Client, ListRequest, dot_segment, name_segment};
use crate::ids::AgentId;
use crate::{Error, Result};
use msp_common::{Call, Request};

pub use crate::models::FileEntry;

/// A path in a repository: folder names joined by `/` (see the [module
/// documentation](self)).
///
/// ```
/// use kaseya_vsa_client::files::RepoPath;
///
/// let path = RepoPath::new(r"/apps\my tools/")?;
/// assert_eq!(path.parts(), ["apps", "my tools"]);
/// assert_eq!(path.to_string(), "apps/my tools");
/// assert!(RepoPath::new("apps/../secrets").is_err());
/// assert!(RepoPath::new("/")?.is_root());
/// # Ok::<(), kaseya_vsa_client::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct RepoPath {
    parts: Vec<String>,
}

impl RepoPath {
    /// A path from its text: names separated by `/` or `\`, leading and trailing
    /// separators ignored. Refuses empty names (`a//b`) and names made only of dots and
    /// spaces (`.`, `..`, `...`).
    pub fn new(path: &str) -> Result<Self> {
        let trimmed = path.trim_matches(['/', '\\']);
        if trimmed.is_empty() {
            return Ok(Self::root());
        }
        let parts: Vec<String> = trimmed.split(['/', '\\']).map(str::to_owned).collect();
        if let Some(bad) = parts.iter().find(|p| p.is_empty() || dot_segment(p)) {
            return Err(Error::config(format!(
                "`{path}` is not a repository path: `{bad}` is not a file or folder name"
            )));
        }
        Ok(RepoPath { parts })
    }

    /// The top level of the repository.
    pub fn root() -> Self {
        RepoPath { parts: Vec::new() }
    }

    /// Whether this is the top level.
    pub fn is_root(&self) -> bool {
        self.parts.is_empty()
    }

    /// The folder and file names, top first.
    pub fn parts(&self) -> &[String] {
        &self.parts
    }

    /// The segments of a folder: the top level is `/` (an empty segment twice, as in
    /// `folder//`).
    fn folder_segments(&self) -> Vec<&str> {
        if self.is_root() {
            vec!["", ""]
        } else {
            self.parts.iter().map(String::as_str).collect()
        }
    }

    /// The segments of a file or folder that cannot be the top level.
    fn item_segments(&self) -> Result<Vec<&str>> {
        if self.is_root() {
            return Err(Error::config(
                "the repository path is empty: name a file or folder",
            ));
        }
        Ok(self.parts.iter().map(String::as_str).collect())
    }
}

impl std::fmt::Display for RepoPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.parts.join("/"))
    }
}

impl std::str::FromStr for RepoPath {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        RepoPath::new(s)
    }
}

/// The `{source}` and `{destination}` of a rename or a move, each one segment (see
/// the [module documentation](self)).
fn names<'a>(source: &'a str, destination: &'a str) -> Result<(&'a str, &'a str)> {
    Ok((
        name_segment("source name", source)?,
        name_segment("destination name", destination)?,
    ))
}

const BOUNDARIES: [(&str, &str); 3] = [
    (
        "----kaseya-vsa-client-5b0e2a4c9f1d4e7a",
        "multipart/form-data; boundary=----kaseya-vsa-client-5b0e2a4c9f1d4e7a",
    ),
    (
        "----kaseya-vsa-client-c83d61f07a2b4d95",
        "multipart/form-data; boundary=----kaseya-vsa-client-c83d61f07a2b4d95",
    ),
    (
        "----kaseya-vsa-client-19e4b7d2a06c4f38",
        "multipart/form-data; boundary=----kaseya-vsa-client-19e4b7d2a06c4f38",
    ),
];

/// A `multipart/form-data` body with one part named `file`, and its content type. The
/// boundary is one that occurs nowhere in the file.
pub(crate) fn multipart_file(file_name: &str, content: &[u8]) -> Result<(Vec<u8>, &'static str)> {
    if file_name.is_empty() {
        return Err(Error::config("the uploaded file's name is empty"));
    }
    let contains = |needle: &[u8]| content.windows(needle.len()).any(|w| w == needle);
    let (boundary, content_type) = BOUNDARIES
        .iter()
        .find(|(b, _)| !contains(b.as_bytes()))
        .ok_or_else(|| {
            Error::config("the file contains every multipart boundary this client uses")
        })?;
    let quoted = file_name
        .replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    let mut body = Vec::with_capacity(content.len() + 256);
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{quoted}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Ok((body, content_type))
}

/// Reads the `Result` of an upload or a move: a list of entries, one entry, or anything
/// else (`true`, nothing) as an empty list.
fn entries(result: Option<serde_json::Value>) -> Vec<FileEntry> {
    match result {
        Some(v @ serde_json::Value::Array(_)) => serde_json::from_value(v).unwrap_or_default(),
        Some(v @ serde_json::Value::Object(_)) => {
            serde_json::from_value::<FileEntry>(v).map_or_else(|_| Vec::new(), |e| vec![e])
        }
        _ => Vec::new(),
    }
}

fn request<'a>(
    method: fn(&str) -> Request,
    root: &str,
    agent_id: &'a AgentId,
    segments: impl IntoIterator<Item = &'a str>,
) -> Request {
    method(root).segments(std::iter::once(agent_id.as_str()).chain(segments))
}

fn upload(
    client: &Client,
    root: &str,
    agent_id: &AgentId,
    folder: &RepoPath,
    file_name: &str,
    content: &[u8],
    operation: &'static str,
) -> Call<Vec<FileEntry>> {
    let segments = folder.folder_segments();
    let request = multipart_file(file_name, content).map(|(body, content_type)| {
        request(
            Request::put,
            root,
            agent_id,
            std::iter::once("file").chain(segments),
        )
        .operation(operation)
        .body(body, content_type)
    });
    client
        .write::<Option<serde_json::Value>>(request)
        .map(entries)
}

fn download(
    client: &Client,
    root: &str,
    agent_id: &AgentId,
    path: &RepoPath,
    operation: &'static str,
) -> Call<Vec<u8>> {
    let request = path.item_segments().and_then(|segments| {
        request(
            Request::get,
            root,
            agent_id,
            std::iter::once("file").chain(segments),
        )
        .operation(operation)
        .header("Accept", "*/*")
    });
    client.read_bytes(request)
}

fn folder_list(
    client: &Client,
    root: &str,
    agent_id: &AgentId,
    path: &RepoPath,
    operation: &'static str,
) -> ListRequest<FileEntry> {
    client.list_request(
        request(
            Request::get,
            root,
            agent_id,
            std::iter::once("folder").chain(path.folder_segments()),
        )
        .operation(operation),
    )
}

/// Custom extension repository calls; from [`Client::custom_extensions`].
#[derive(Debug, Clone)]
pub struct CustomExtensions {
    client: Client,
}

/// Audit > Documents calls; from [`Client::documents`].
#[derive(Debug, Clone)]
pub struct Documents {
    client: Client,
}

/// Agent Procedures > Get File calls; from [`Client::get_files`].
#[derive(Debug, Clone)]
pub struct GetFiles {
    client: Client,
}

impl Client {
    /// Custom extension repository calls.
    pub fn custom_extensions(&self) -> CustomExtensions {
        CustomExtensions {
            client: self.clone(),
        }
    }

    /// Audit > Documents calls.
    pub fn documents(&self) -> Documents {
        Documents {
            client: self.clone(),
        }
    }

    /// Agent Procedures > Get File calls (the files procedures fetched from agents).
    pub fn get_files(&self) -> GetFiles {
        GetFiles {
            client: self.clone(),
        }
    }
}

const CUSTOM_EXTENSIONS: &str = "assetmgmt/customextensions";
const DOCUMENTS: &str = "assetmgmt/documents";
const GET_FILES: &str = "assetmgmt/getfiles";

impl CustomExtensions {
    /// `GET /assetmgmt/customextensions/{agentId}/folder/{path}`: the files and folders
    /// in a folder (the top level for `""` or `"/"`); filterable and sortable (see
    /// [`crate::odata::fields::files`]).
    pub fn list(&self, agent_id: &AgentId, path: &RepoPath) -> ListRequest<FileEntry> {
        folder_list(
            &self.client,
            CUSTOM_EXTENSIONS,
            agent_id,
            path,
            "list_custom_extensions",
        )
    }

    /// `PUT /assetmgmt/customextensions/{agentId}/folder/{path}`: adds a folder (and the
    /// folders above it). A write.
    pub fn create_folder(&self, agent_id: &AgentId, path: &RepoPath) -> Call<()> {
        let request = path.item_segments().map(|segments| {
            request(
                Request::put,
                CUSTOM_EXTENSIONS,
                agent_id,
                std::iter::once("folder").chain(segments),
            )
            .operation("add_custom_extension_folder")
        });
        self.client.write_unit(request)
    }

    /// `PUT /assetmgmt/customextensions/{agentId}/file/{path}`: uploads `content` as
    /// `file_name` into the folder `folder` (the top level for `""`), as
    /// `multipart/form-data`. Returns the entries the server answers. A write.
    pub fn upload(
        &self,
        agent_id: &AgentId,
        folder: &RepoPath,
        file_name: &str,
        content: &[u8],
    ) -> Call<Vec<FileEntry>> {
        upload(
            &self.client,
            CUSTOM_EXTENSIONS,
            agent_id,
            folder,
            file_name,
            content,
            "upload_custom_extension_file",
        )
    }

    /// `DELETE /assetmgmt/customextensions/{agentId}/{path}`: deletes a folder or file;
    /// the path is prefixed with `//` as the guide says. A write.
    pub fn delete(&self, agent_id: &AgentId, path: &RepoPath) -> Call<()> {
        let request = path.item_segments().map(|segments| {
            request(
                Request::delete,
                CUSTOM_EXTENSIONS,
                agent_id,
                ["", ""].into_iter().chain(segments),
            )
            .operation("delete_custom_extension")
        });
        self.client.write_unit(request)
    }
}

impl Documents {
    /// `GET /assetmgmt/documents/{agentId}/folder/{path}`: the documents in a folder (the
    /// top level for `""` or `"/"`); filterable and sortable (see
    /// [`crate::odata::fields::files`]).
    pub fn list(&self, agent_id: &AgentId, path: &RepoPath) -> ListRequest<FileEntry> {
        folder_list(&self.client, DOCUMENTS, agent_id, path, "list_documents")
    }

    /// `GET /assetmgmt/documents/{agentId}/file/{path}`: downloads a document; returns
    /// the body's exact bytes.
    pub fn download(&self, agent_id: &AgentId, path: &RepoPath) -> Call<Vec<u8>> {
        download(&self.client, DOCUMENTS, agent_id, path, "get_document")
    }

    /// `PUT /assetmgmt/documents/{agentId}/folder/{folders}`: adds a documents folder
    /// (and the folders above it). A write.
    pub fn create_folder(&self, agent_id: &AgentId, folders: &RepoPath) -> Call<()> {
        let request = folders.item_segments().map(|segments| {
            request(
                Request::put,
                DOCUMENTS,
                agent_id,
                std::iter::once("folder").chain(segments),
            )
            .operation("add_document_folder")
        });
        self.client.write_unit(request)
    }

    /// `PUT /assetmgmt/documents/{agentId}/file/{path}`: uploads `content` as `file_name`
    /// into the folder `folder` (the top level for `""`), as `multipart/form-data`.
    /// Returns the entries the server answers. A write.
    pub fn upload(
        &self,
        agent_id: &AgentId,
        folder: &RepoPath,
        file_name: &str,
        content: &[u8],
    ) -> Call<Vec<FileEntry>> {
        upload(
            &self.client,
            DOCUMENTS,
            agent_id,
            folder,
            file_name,
            content,
            "upload_document",
        )
    }

    /// `DELETE /assetmgmt/documents/{agentId}/{path}`: deletes a document. A write.
    pub fn delete(&self, agent_id: &AgentId, path: &RepoPath) -> Call<()> {
        let request = path.item_segments().map(|segments| {
            request(Request::delete, DOCUMENTS, agent_id, segments).operation("delete_document")
        });
        self.client.write_unit(request)
    }

    /// `DELETE /assetmgmt/documents/{agentId}/Rename/{source}/{destination}`: renames a
    /// document (the guide's method is `DELETE`); `source` and `destination` are one
    /// encoded segment each. A write.
    pub fn rename(&self, agent_id: &AgentId, source: &str, destination: &str) -> Call<()> {
        let request = names(source, destination).map(|(source, destination)| {
            request(
                Request::delete,
                DOCUMENTS,
                agent_id,
                ["Rename", source, destination],
            )
            .operation("rename_document")
        });
        self.client.write_unit(request)
    }

    /// `PUT /assetmgmt/documents/{agentId}/file/Move/{source}/{destination}`: moves a
    /// document to another folder; `source` and `destination` are one encoded segment
    /// each (`a/b.txt` is sent as `a%2Fb.txt`). Returns the entries the server answers.
    /// A write.
    pub fn move_file(
        &self,
        agent_id: &AgentId,
        source: &str,
        destination: &str,
    ) -> Call<Vec<FileEntry>> {
        let request = names(source, destination).map(|(source, destination)| {
            request(
                Request::put,
                DOCUMENTS,
                agent_id,
                ["file", "Move", source, destination],
            )
            .operation("move_document")
        });
        self.client
            .write::<Option<serde_json::Value>>(request)
            .map(entries)
    }
}

impl GetFiles {
    /// `GET /assetmgmt/getfiles/{agentId}/folder/{path}`: the fetched files in a folder
    /// (the top level for `""` or `"/"`); filterable and sortable (see
    /// [`crate::odata::fields::files`]).
    pub fn list(&self, agent_id: &AgentId, path: &RepoPath) -> ListRequest<FileEntry> {
        folder_list(&self.client, GET_FILES, agent_id, path, "list_get_files")
    }

    /// `GET /assetmgmt/getfiles/{agentId}/file/{path}`: downloads a fetched file; returns
    /// the body's exact bytes.
    pub fn download(&self, agent_id: &AgentId, path: &RepoPath) -> Call<Vec<u8>> {
        download(&self.client, GET_FILES, agent_id, path, "get_file")
    }

    /// `DELETE /assetmgmt/getfiles/{agentId}/{path}`: deletes a fetched file. A write.
    pub fn delete(&self, agent_id: &AgentId, path: &RepoPath) -> Call<()> {
        let request = path.item_segments().map(|segments| {
            request(Request::delete, GET_FILES, agent_id, segments).operation("delete_get_file")
        });
        self.client.write_unit(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(
            RepoPath::new("/apps/exe/").unwrap().parts(),
            ["apps", "exe"]
        );
        assert_eq!(RepoPath::new("/").unwrap().folder_segments(), ["", ""]);
        assert!(RepoPath::root().item_segments().is_err());
        for bad in ["a//b", "a/../b", "./a"] {
            assert!(RepoPath::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn multipart_avoids_a_boundary_inside_the_file() {
        let content = format!("x{}y", BOUNDARIES[0].0);
        let (body, ct) = multipart_file("a\"b.txt", content.as_bytes()).unwrap();
        assert_eq!(ct, BOUNDARIES[1].1);
        let text = String::from_utf8(body).unwrap();
        assert!(text.starts_with(&format!("--{}\r\n", BOUNDARIES[1].0)));
        assert!(text.contains("filename=\"a%22b.txt\""));
        assert!(text.ends_with(&format!("\r\n--{}--\r\n", BOUNDARIES[1].0)));
    }
}
