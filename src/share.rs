//! Share links: the session document (src/session_doc.rs, compact flavour) compressed
//! with the browser's own `CompressionStream("deflate-raw")`, in base64url, in the URL
//! fragment: `#s1=…` (`s1`: version 1 of this format). The fragment never reaches a
//! server. Opening such a link replays the session (src/reach.rs).
//!
//! Hostile links are bounded: a fragment longer than [`MAX_FRAGMENT`] is refused before
//! it is decoded, and decompression stops at [`MAX_DOC_BYTES`](crate::session_doc::MAX_DOC_BYTES).
//! Every failure is a message; the page then opens the default scenario.

use leptos::prelude::*;

use crate::i18n::T;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::session_doc::MAX_DOC_BYTES;

/// The fragment's prefix: format version 1.
pub const PREFIX: &str = "s1=";
/// Links longer than this (the whole address) are called oversize: chat tools and some
/// browsers cut longer ones off. The page offers a file instead.
pub const SHARE_LIMIT: usize = 8_000;
/// Longest fragment the page tries to decode (characters).
pub const MAX_FRAGMENT: usize = 512 * 1024;

// The control's strings, in one place (for translation).

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding.
pub fn b64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Reads base64url (padding and standard `+` `/` also accepted). Errors name the
/// first character that is not base64.
pub fn b64url_decode(text: &str) -> Result<Vec<u8>, String> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for (i, c) in text.bytes().enumerate() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => {
                return Err(format!(
                    "character {} of the link's data is not base64url.",
                    i + 1
                ))
            }
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if text.len() % 4 == 1 {
        return Err(crate::i18n::tr(T::ShareCutOff).into());
    }
    Ok(out)
}

/// What the address's fragment holds.
#[derive(Debug, PartialEq, Eq)]
pub enum Fragment<'a> {
    /// No share link (empty, or another fragment such as `#bench`).
    None,
    /// The base64url payload of a version-1 link.
    Link(&'a str),
    /// A share link the page cannot read, with why.
    Bad(String),
}

/// Reads `location.hash` (with or without `#`).
pub fn read_fragment(hash: &str) -> Fragment<'_> {
    let h = hash.strip_prefix('#').unwrap_or(hash);
    if let Some(payload) = h.strip_prefix(PREFIX) {
        if payload.len() > MAX_FRAGMENT {
            return Fragment::Bad(crate::i18n::fill(
                crate::i18n::tr(T::ShareTooLong),
                &[&group(payload.len()), &group(MAX_FRAGMENT)],
            ));
        }
        if payload.is_empty() {
            return Fragment::Bad(crate::i18n::tr(T::ShareNoSession).into());
        }
        return Fragment::Link(payload);
    }
    // `s2=…`: a newer format.
    if let Some((v, _)) = h.split_once('=') {
        if v.len() >= 2 && v.starts_with('s') && v[1..].bytes().all(|b| b.is_ascii_digit()) {
            return Fragment::Bad(crate::i18n::tr(T::ShareNewer).into());
        }
    }
    Fragment::None
}

/// 12345 → "12,345".
pub fn group(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

// The browser's compression streams (not in web-sys's stable API set).
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = CompressionStream)]
    type JsCompressionStream;
    #[wasm_bindgen(constructor, js_class = "CompressionStream", catch)]
    fn new(format: &str) -> Result<JsCompressionStream, JsValue>;

    #[wasm_bindgen(js_name = DecompressionStream)]
    type JsDecompressionStream;
    #[wasm_bindgen(constructor, js_class = "DecompressionStream", catch)]
    fn new(format: &str) -> Result<JsDecompressionStream, JsValue>;
}

fn js_error(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

fn stream_of(bytes: &[u8]) -> Result<web_sys::ReadableStream, String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(js_error)?;
    Ok(blob.stream())
}

/// Reads a stream to its end, giving up past `limit` bytes.
async fn read_all(stream: web_sys::ReadableStream, limit: usize) -> Result<Vec<u8>, String> {
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut out = vec![];
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(js_error)?;
        let done = js_sys::Reflect::get(&chunk, &"done".into())
            .map(|d| d.is_truthy())
            .unwrap_or(true);
        if done {
            return Ok(out);
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into()).map_err(js_error)?;
        let bytes = js_sys::Uint8Array::new(&value);
        if out.len() + bytes.length() as usize > limit {
            let _ = reader.cancel();
            return Err(format!("it unpacks to more than {} bytes.", group(limit)));
        }
        let start = out.len();
        out.resize(start + bytes.length() as usize, 0);
        bytes.copy_to(&mut out[start..]);
    }
}

/// deflate-raw through the browser.
pub async fn compress(text: &str) -> Result<Vec<u8>, String> {
    let cs = JsCompressionStream::new("deflate-raw").map_err(js_error)?;
    let pair: &web_sys::ReadableWritablePair = cs.unchecked_ref();
    let out = stream_of(text.as_bytes())?.pipe_through(pair);
    read_all(out, usize::MAX).await
}

/// inflate-raw through the browser, at most `limit` bytes out.
pub async fn decompress(bytes: &[u8], limit: usize) -> Result<Vec<u8>, String> {
    let ds = JsDecompressionStream::new("deflate-raw").map_err(js_error)?;
    let pair: &web_sys::ReadableWritablePair = ds.unchecked_ref();
    let out = stream_of(bytes)?.pipe_through(pair);
    read_all(out, limit).await.map_err(|e| {
        if e.starts_with("it ") {
            e
        } else {
            crate::i18n::fill(crate::i18n::tr(T::ShareDamaged), &[&e])
        }
    })
}

/// The fragment (without `#`) for a session document.
pub async fn encode(doc_text: &str) -> Result<String, String> {
    let packed = compress(doc_text).await?;
    Ok(format!("{PREFIX}{}", b64url_encode(&packed)))
}

/// The session document text of a link's payload.
pub async fn decode(payload: &str) -> Result<String, String> {
    let packed = b64url_decode(payload)?;
    let bytes = decompress(&packed, MAX_DOC_BYTES).await?;
    String::from_utf8(bytes).map_err(|e| {
        crate::i18n::fill(
            crate::i18n::tr(T::ShareNotUtf8),
            &[&e.utf8_error().valid_up_to()],
        )
    })
}

/// Copies text to the clipboard; `false` when the browser refuses.
pub async fn copy_text(text: &str) -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let clipboard = w.navigator().clipboard();
    if clipboard.is_undefined() {
        return false;
    }
    JsFuture::from(clipboard.write_text(text)).await.is_ok()
}

/// The page's address without query or fragment.
pub fn page_base() -> String {
    web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?))
        })
        .unwrap_or_default()
}

/// The page's address without fragment (the query keeps embed options).
pub fn page_address() -> String {
    web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}", page_base(), l.search().ok()?))
        })
        .unwrap_or_default()
}

#[derive(Clone, Debug, PartialEq)]
enum State {
    Making,
    Ready(String),
    Failed(String),
}

/// The "Share" button and its panel: the link, its length, Copy, and for an oversize
/// link the file download instead.
#[component]
pub fn ShareControl(
    /// The session document now (compact flavour).
    doc: Callback<(), String>,
    /// Downloads the session as a file.
    download: Callback<()>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let state = RwSignal::new(State::Making);
    let status = RwSignal::new(None::<&'static str>);
    let make = move || {
        state.set(State::Making);
        status.set(None);
        let text = doc.run(());
        leptos::task::spawn_local(async move {
            let s = match encode(&text).await {
                Ok(f) => State::Ready(format!("{}#{f}", page_address())),
                Err(e) => State::Failed(format!(
                    "{T_FAILED} {e}",
                    T_FAILED = crate::i18n::tr(T::ShareFailed)
                )),
            };
            state.try_set(s);
        });
    };
    let toggle = move |_| {
        let now = !open.get_untracked();
        open.set(now);
        if now {
            make();
        }
    };
    let copy = move |_| {
        if let State::Ready(link) = state.get_untracked() {
            leptos::task::spawn_local(async move {
                let ok = copy_text(&link).await;
                status.try_set(Some(if ok {
                    crate::i18n::tr(T::ShareCopied)
                } else {
                    crate::i18n::tr(T::ShareCopyRefused)
                }));
            });
        }
    };
    let select_all = move |ev: leptos::ev::FocusEvent| {
        if let Some(t) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            t.select();
        }
    };
    view! {
        <div class="reach-control">
            <button
                type="button"
                class="button"
                data-testid="share-open"
                aria-expanded=move || open.get().to_string()
                on:click=toggle
            >
                {crate::i18n::text(T::ShareButton)}
            </button>
            <Show when=move || open.get()>
                <div class="reach-pop" role="dialog" aria-label=crate::i18n::text(T::ShareTitle) data-testid="share-panel">
                    <p class="reach-pop-title">{crate::i18n::text(T::ShareTitle)}</p>
                    {move || match state.get() {
                        State::Making => view! { <p class="muted" data-testid="share-making">{crate::i18n::text(T::ShareMaking)}</p> }.into_any(),
                        State::Failed(e) => view! { <p class="error-text" role="alert" data-testid="share-error">{e}</p> }.into_any(),
                        State::Ready(link) => {
                            let len = link.len();
                            let oversize = len > SHARE_LIMIT;
                            view! {
                                <input
                                    class="reach-link"
                                    type="text"
                                    readonly
                                    aria-label=crate::i18n::text(T::ShareLinkLabel)
                                    data-testid="share-link"
                                    prop:value=link
                                    on:focus=select_all
                                />
                                <p class="reach-length muted">
                                    {crate::i18n::text(T::ShareLength)} " "
                                    <span data-testid="share-length" data-length=len.to_string()>{group(len)}</span>
                                </p>
                                <Show when=move || oversize>
                                    <p class="reach-warning" role="alert" data-testid="share-oversize">{crate::i18n::text(T::ShareOversize)}</p>
                                </Show>
                                <div class="reach-row">
                                    <button type="button" class=if oversize { "button" } else { "button primary" } data-testid="share-copy" on:click=copy>
                                        {crate::i18n::text(T::ShareCopyLink)}
                                    </button>
                                    <button type="button" class=if oversize { "button primary" } else { "button" } data-testid="share-download" on:click=move |_| download.run(())>
                                        {crate::i18n::text(T::ShareDownload)}
                                    </button>
                                    <button type="button" class="button" on:click=move |_| open.set(false)>{crate::i18n::text(T::ShareClose)}</button>
                                </div>
                            }
                            .into_any()
                        }
                    }}
                    {move || status.get().map(|s| view! { <p class="reach-status" role="status" data-testid="share-status">{s}</p> })}
                </div>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips() {
        for n in 0..70u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37).wrapping_add(n)).collect();
            let text = b64url_encode(&bytes);
            assert!(!text.contains(['+', '/', '=']));
            assert_eq!(b64url_decode(&text), Ok(bytes));
        }
        assert_eq!(b64url_encode(b"hi?"), "aGk_");
        assert!(b64url_decode("ab$c").unwrap_err().contains("character 3"));
        assert!(b64url_decode("abcde").unwrap_err().contains("cut off"));
    }

    #[test]
    fn fragments_are_read_with_limits() {
        assert_eq!(read_fragment(""), Fragment::None);
        assert_eq!(read_fragment("#bench"), Fragment::None);
        assert_eq!(read_fragment("#s1=abc"), Fragment::Link("abc"));
        assert!(matches!(read_fragment("#s1="), Fragment::Bad(_)));
        assert!(matches!(read_fragment("#s9=abc"), Fragment::Bad(e) if e.contains("newer")));
        let huge = format!("#s1={}", "A".repeat(10 * 1024 * 1024));
        match read_fragment(&huge) {
            Fragment::Bad(e) => assert!(e.contains("10,485,760"), "{e}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(group(8000), "8,000");
        assert_eq!(group(999), "999");
    }
}
