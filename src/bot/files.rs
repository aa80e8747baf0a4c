//! Saving received files to `telegram.download_dir`, after the report is committed.
//!
//! The report never waits for this: the file id is already stored, and a download that fails
//! (Telegram's 20 MB limit, a full disk) is logged and leaves the file retrievable by id.

use std::path::{Path, PathBuf};

use anyhow::Context;
use teloxide::net::Download;
use teloxide::prelude::*;
use teloxide::types::FileId;

use super::App;
use crate::store::NewAttachment;

/// Saves `file` under the download folder, if one is configured.
pub async fn keep(bot: &Bot, app: &App, file: &NewAttachment) {
    let Some(dir) = &app.download_dir else {
        return;
    };
    match download(bot, dir, file).await {
        Ok(path) => {
            let path = path.display().to_string();
            if let Err(e) = app
                .store
                .set_attachment_path(&file.file_unique_id, &path)
                .await
            {
                tracing::warn!(error = %e, "saved file not recorded");
            }
        }
        Err(e) => tracing::warn!(error = %e, file_id = %file.file_id, "file not downloaded"),
    }
}

async fn download(bot: &Bot, dir: &Path, file: &NewAttachment) -> anyhow::Result<PathBuf> {
    tokio::fs::create_dir_all(dir)
        .await
        .context("creating the download folder")?;
    let remote = bot
        .get_file(FileId(file.file_id.clone()))
        .await
        .context("getFile")?;
    let path = dir.join(local_name(file));
    let mut out = tokio::fs::File::create(&path)
        .await
        .context("creating the file")?;
    bot.download_file(&remote.path, &mut out)
        .await
        .context("downloading")?;
    Ok(path)
}

/// `<unique id>-<name>`: unique, and the name keeps only characters safe in any file system.
fn local_name(file: &NewAttachment) -> String {
    let name = file.file_name.as_deref().unwrap_or("photo.jpg");
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{}-{safe}", file.file_unique_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_escape_the_folder() {
        let file = NewAttachment {
            file_id: "x".into(),
            file_unique_id: "U1".into(),
            file_name: Some("../../etc/báo cáo.pdf".into()),
            mime_type: None,
            file_size: None,
        };
        assert_eq!(local_name(&file), "U1-.._.._etc_báo_cáo.pdf");
    }
}
