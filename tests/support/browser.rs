//! A real browser for the web board's tests: Debian's headless Chromium driven through
//! `chromedriver` with the W3C WebDriver protocol (JSON over HTTP, spoken here with reqwest).
//!
//! A WebDriver client crate (fantoccini 0.22) was tried first; it brought a second copy of
//! `http`, `cookie`, `thiserror` and the ICU crates into the lock file, and the dozen calls
//! below are all the tests need.
//!
//! [`Browser::start`] returns None (the test then skips, saying so) when `chromedriver` is not
//! installed — unless `DONDOC_TEST_BROWSER` or `CI` is set, where a missing browser fails the
//! test with what to install.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

/// Set (to anything) to make a missing browser a failure instead of a skip.
pub const BROWSER_ENV: &str = "DONDOC_TEST_BROWSER";
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// One chromedriver process with one headless Chromium session.
pub struct Browser {
    driver: Child,
    http: reqwest::Client,
    session: String,
    base: String,
    /// Where downloads land.
    pub downloads: tempfile::TempDir,
}

fn find(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join(program))
        .find(|p| p.is_file())
}

fn required() -> bool {
    std::env::var_os(BROWSER_ENV).is_some()
        || std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Browser {
    /// Starts chromedriver on a free port and a headless Chromium session; None when no
    /// chromedriver is installed and none is required.
    pub async fn start() -> Option<Browser> {
        let Some(driver_path) = find("chromedriver") else {
            let advice =
                "chromedriver is not installed: apt-get install -y chromium chromium-driver";
            if required() {
                panic!("{advice} ({BROWSER_ENV} or CI is set, so the browser tests must run)");
            }
            eprintln!("SKIPPED: {advice} (set {BROWSER_ENV}=1 to make this a failure)");
            return None;
        };
        let port = free_port();
        let driver = Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("client");
        let base = format!("http://127.0.0.1:{port}");
        let ready = Instant::now();
        loop {
            let status = http.get(format!("{base}/status")).send().await;
            if let Ok(response) = status {
                let body: Value = response.json().await.unwrap_or_default();
                if body["value"]["ready"] == true {
                    break;
                }
            }
            assert!(
                ready.elapsed() < Duration::from_secs(20),
                "chromedriver did not answer on port {port} within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let downloads = tempfile::tempdir().expect("download dir");
        let binary = find("chromium").or_else(|| find("chromium-browser"));
        let mut options = json!({
            "args": [
                "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--lang=vi-VN", "--no-first-run",
            ],
            "prefs": {
                "download.default_directory": downloads.path().display().to_string(),
                "download.prompt_for_download": false,
                "intl.accept_languages": "vi-VN,vi",
            },
        });
        if let Some(binary) = binary {
            options["binary"] = json!(binary.display().to_string());
        }
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": options,
            } }
        });
        let mut browser = Browser {
            driver,
            http,
            session: String::new(),
            base,
            downloads,
        };
        let created = browser.call("POST", "/session", capabilities).await;
        browser.session = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {created}"))
            .to_string();
        Some(browser)
    }

    async fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let url = if path == "/session" {
            format!("{}{path}", self.base)
        } else {
            format!("{}/session/{}{path}", self.base, self.session)
        };
        let request = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url).json(&body),
        };
        let response = request.send().await.expect("chromedriver answers");
        let status = response.status();
        let value: Value = response.json().await.expect("JSON from chromedriver");
        assert!(status.is_success(), "WebDriver {method} {path}: {value}");
        value.get("value").cloned().unwrap_or(value)
    }

    pub async fn go(&self, url: &str) {
        self.call("POST", "/url", json!({ "url": url })).await;
    }

    pub async fn url(&self) -> String {
        self.call("GET", "/url", Value::Null)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Waits (up to ten seconds) until the address contains `part`: a click that submits a
    /// form returns before the next page has always replaced the old one.
    pub async fn wait_url(&self, part: &str) -> String {
        let start = Instant::now();
        loop {
            let url = self.url().await;
            if url.contains(part) {
                return url;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the address never contained {part:?}: {url}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn source(&self) -> String {
        self.call("GET", "/source", Value::Null)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The element `css` selects (the test fails when there is none).
    pub async fn find(&self, css: &str) -> String {
        let found = self
            .call(
                "POST",
                "/element",
                json!({ "using": "css selector", "value": css }),
            )
            .await;
        found[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {found}"))
            .to_string()
    }

    pub async fn count(&self, css: &str) -> usize {
        self.call(
            "POST",
            "/elements",
            json!({ "using": "css selector", "value": css }),
        )
        .await
        .as_array()
        .map_or(0, Vec::len)
    }

    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.call("POST", &format!("/element/{element}/click"), json!({}))
            .await;
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        self.call("POST", &format!("/element/{element}/clear"), json!({}))
            .await;
        self.call(
            "POST",
            &format!("/element/{element}/value"),
            json!({ "text": text }),
        )
        .await;
    }

    pub async fn text(&self, css: &str) -> String {
        let element = self.find(css).await;
        self.call("GET", &format!("/element/{element}/text"), Value::Null)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub async fn resize(&self, width: u32, height: u32) {
        self.call(
            "POST",
            "/window/rect",
            json!({ "width": width, "height": height }),
        )
        .await;
    }

    /// Saves a PNG of the viewport to `path`.
    pub async fn screenshot(&self, path: &Path) {
        let data = self.call("GET", "/screenshot", Value::Null).await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap_or_default())
            .expect("a base64 PNG");
        assert!(bytes.starts_with(b"\x89PNG"), "a PNG");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screenshot dir");
        }
        std::fs::write(path, bytes).expect("screenshot written");
    }

    /// The cookies the browser holds for the current page, as `name=value` (HttpOnly too).
    pub async fn cookies(&self) -> Vec<(String, Value)> {
        self.call("GET", "/cookie", Value::Null)
            .await
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|c| (c["name"].as_str().unwrap_or_default().to_string(), c))
            .collect()
    }

    /// Waits up to `within` for a finished download whose name ends in `suffix`.
    pub async fn downloaded(&self, suffix: &str, within: Duration) -> Option<PathBuf> {
        let start = Instant::now();
        while start.elapsed() < within {
            if let Ok(entries) = std::fs::read_dir(self.downloads.path()) {
                for entry in entries.flatten() {
                    let path = entry.path();
                    if path.to_string_lossy().ends_with(suffix) {
                        return Some(path);
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        None
    }

    /// Ends the session and chromedriver.
    pub async fn quit(mut self) {
        let _ = self
            .http
            .delete(format!("{}/session/{}", self.base, self.session))
            .send()
            .await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A failed test still stops its chromedriver (and with it the browser).
        let _ = self.driver.kill();
    }
}

/// Where screenshots go: `target/web-screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/web-screenshots")
}
