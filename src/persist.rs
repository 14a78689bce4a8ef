//! Nothing lost: the browser side of sessions — the autosave in `localStorage`, the
//! download of a session file, reading a picked or dropped file, and the address's
//! fragment. What is saved is a session document (src/session_doc.rs); when and why is
//! decided in src/reach.rs.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The `localStorage` key of the autosave (a compact session document).
pub const AUTOSAVE_KEY: &str = "orrery.session.v1";
/// Largest file the page opens (bytes).
pub const MAX_OPEN_BYTES: f64 = 8.0 * 1024.0 * 1024.0;
/// The name an exported session downloads as.
pub const EXPORT_NAME: &str = "orrery-session.txt";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The autosaved session document, if there is one.
pub fn load() -> Option<String> {
    storage()?.get_item(AUTOSAVE_KEY).ok().flatten()
}

/// Saves the session document. Fails when storage is off or full.
pub fn save(text: &str) -> Result<(), String> {
    let s = storage().ok_or("this browser keeps no local storage for the page")?;
    s.set_item(AUTOSAVE_KEY, text)
        .map_err(|_| "the browser's storage for the page is full or refused".to_string())
}

/// The `localStorage` key counting the page's traps since it last ran for
/// `CRASH_QUIET` without one (src/main.rs counts, src/reach.rs reads and clears): a
/// saved session or link that stops the page every time it is replayed is not reopened
/// a third time.
pub const CRASH_KEY: &str = "orrery.crashes.v1";
/// How long the page runs without a trap before its count of traps is cleared.
pub const CRASH_QUIET: std::time::Duration = std::time::Duration::from_secs(10);

/// Traps of the page since it last ran `CRASH_QUIET` without one.
pub fn crashes() -> u32 {
    storage()
        .and_then(|s| s.get_item(CRASH_KEY).ok().flatten())
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// Clears the count of traps (the page ran long enough, or the learner chose to reopen).
pub fn clear_crashes() {
    if let Some(s) = storage() {
        let _ = s.remove_item(CRASH_KEY);
    }
}

/// Forgets the autosave.
pub fn clear() {
    if let Some(s) = storage() {
        let _ = s.remove_item(AUTOSAVE_KEY);
    }
}

/// The address's fragment, with its `#`.
pub fn fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The address's query, with its `?`.
pub fn query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// Drops the fragment from the address without reloading (the session has moved on
/// from the link it was opened with).
pub fn drop_fragment() {
    let Some(w) = web_sys::window() else {
        return;
    };
    if fragment().is_empty() {
        return;
    }
    let url = format!("{}{}", crate::share::page_base(), query());
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// Offers `text` as a file download (a `blob:` address: nothing leaves the browser).
pub fn download(name: &str, text: &str) -> Result<(), String> {
    let fail = |_| "the browser refused the download".to_string();
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("text/plain;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc.create_element("a").map_err(fail)?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.set_hidden(true);
    if let Some(body) = doc.body() {
        let _ = body.append_child(&a);
        a.click();
        a.remove();
    }
    // The download has started; the address can go once this task is over.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(10),
    );
    Ok(())
}

/// A file's bytes (bounded by [`MAX_OPEN_BYTES`]).
pub async fn read_file(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let size = file.size();
    if size > MAX_OPEN_BYTES {
        return Err(format!(
            "{} is too large to open ({} bytes; at most {}).",
            file.name(),
            crate::share::group(size as usize),
            crate::share::group(MAX_OPEN_BYTES as usize)
        ));
    }
    let buf = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| format!("{} could not be read.", file.name()))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}
