//! Browser tests: the app's components mounted in headless Chromium, checked at the level
//! of what a person sees. Elements are found by `data-testid`, never by DOM position.
//!
//! Run with `make test-browser` (wasm-bindgen-test-runner + chromedriver; see
//! .cargo/config.toml and webdriver.json).

#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use gloo_timers::future::sleep;
use leptos::mount::mount_to;
use leptos::prelude::*;
use orrery_web::editor::{Editor, EditorFile};
use orrery_web::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

/// A view mounted on its own element in `<body>`. Dropping it unmounts the view and
/// removes the element, so tests do not see each other's DOM.
struct Mounted<H> {
    root: HtmlElement,
    _handle: H,
}

impl<H> Drop for Mounted<H> {
    fn drop(&mut self) {
        self.root.remove();
    }
}

fn mount<F, N>(f: F) -> Mounted<impl Sized>
where
    F: FnOnce() -> N + 'static,
    N: IntoView,
{
    let document = web_sys::window().unwrap().document().unwrap();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let handle = mount_to(root.clone(), f);
    Mounted {
        root,
        _handle: handle,
    }
}

impl<H> Mounted<H> {
    fn all(&self, testid: &str) -> Vec<Element> {
        let list = self
            .root
            .query_selector_all(&format!("[data-testid=\"{testid}\"]"))
            .unwrap();
        (0..list.length())
            .map(|i| list.item(i).unwrap().unchecked_into())
            .collect()
    }

    fn one(&self, testid: &str) -> Element {
        let all = self.all(testid);
        assert_eq!(all.len(), 1, "expected exactly one [data-testid={testid}]");
        all.into_iter().next().unwrap()
    }

    /// The element with `testid` inside the editor panel that is showing.
    fn visible(&self, testid: &str) -> Element {
        let panels: Vec<Element> = self
            .all("editor-panel")
            .into_iter()
            .filter(|p| !p.has_attribute("hidden"))
            .collect();
        assert_eq!(panels.len(), 1, "exactly one editor panel is visible");
        panels[0]
            .query_selector(&format!("[data-testid=\"{testid}\"]"))
            .unwrap()
            .unwrap()
    }

    fn texts(&self, testid: &str) -> Vec<String> {
        self.all(testid)
            .iter()
            .map(|e| e.text_content().unwrap_or_default())
            .collect()
    }
}

/// Types `text` into a textarea the way a browser reports it: a new value, then a
/// bubbling `input` event (Leptos delegates events to the document).
fn type_into(textarea: &Element, text: &str) {
    let textarea: &HtmlTextAreaElement = textarea.unchecked_ref();
    textarea.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
    textarea.dispatch_event(&event).unwrap();
}

/// Waits (up to a second) for the reactive system to render a condition.
async fn until(what: &str, mut condition: impl FnMut() -> bool) {
    for _ in 0..100 {
        if condition() {
            return;
        }
        sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting until {what}");
}

fn file(name: &str, text: &str) -> EditorFile {
    EditorFile {
        name: name.to_string(),
        text: text.to_string(),
    }
}

#[wasm_bindgen_test]
async fn app_opens_on_the_pacman_lesson() {
    let page = mount(App);
    assert_eq!(page.one("product-name").text_content().unwrap(), "Orrery");
    assert_eq!(
        page.texts("tab"),
        ["pacman-stateful-demo.yaml", "pacman-ingress.yaml"]
    );

    let text = page
        .visible("editor-input")
        .unchecked_into::<HtmlTextAreaElement>()
        .value();
    assert!(
        text.contains("kind: StatefulSet"),
        "the editor shows the lesson manifests"
    );
    assert_eq!(
        page.visible("summary").text_content().unwrap(),
        "11 documents parsed"
    );
    let kinds: Vec<String> = page.visible("kinds").text_content().into_iter().collect();
    assert!(kinds[0].contains("PersistentVolumeClaim") && kinds[0].contains("Service ×2"));
    assert!(page.all("diagnostic").is_empty());
}

#[wasm_bindgen_test]
async fn tabs_switch_the_visible_file() {
    let page = mount(App);
    let tabs = page.all("tab");
    assert_eq!(
        tabs[0].get_attribute("aria-selected").as_deref(),
        Some("true")
    );

    tabs[1].unchecked_ref::<HtmlElement>().click();
    until("the second tab is selected", || {
        tabs[1].get_attribute("aria-selected").as_deref() == Some("true")
    })
    .await;
    assert_eq!(
        tabs[0].get_attribute("aria-selected").as_deref(),
        Some("false")
    );
    let panel = page
        .all("editor-panel")
        .into_iter()
        .find(|p| !p.has_attribute("hidden"))
        .unwrap();
    assert_eq!(
        panel.get_attribute("data-file").as_deref(),
        Some("pacman-ingress.yaml")
    );
    assert_eq!(
        page.visible("summary").text_content().unwrap(),
        "1 document parsed"
    );
}

#[wasm_bindgen_test]
async fn broken_yaml_shows_line_and_column_and_recovers() {
    let page = mount(|| view! { <Editor files=vec![file("a.yaml", "kind: Namespace\n")] /> });
    let input = page.visible("editor-input");

    type_into(&input, "kind: Namespace\n---\nkind: Service\nmetadata: [\n");
    until("a diagnostic is shown", || {
        !page.all("diagnostic").is_empty()
    })
    .await;
    let location = page.one("diagnostic-location").text_content().unwrap();
    let (line, column) = location.split_once(':').expect("line:column");
    assert!(
        line.parse::<usize>().unwrap() >= 3,
        "points into the second document: {location}"
    );
    assert!(column.parse::<usize>().unwrap() >= 1);
    assert_eq!(page.one("problems").text_content().unwrap(), "1 problem");
    assert_eq!(page.one("tab-problems").text_content().unwrap(), "1");

    // Clicking the diagnostic puts the caret on that line.
    page.one("diagnostic")
        .unchecked_ref::<HtmlElement>()
        .click();
    let textarea: HtmlTextAreaElement = input.clone().unchecked_into();
    let caret = textarea.selection_start().unwrap().unwrap() as usize;
    let caret_line = textarea.value()[..caret].matches('\n').count() + 1;
    assert_eq!(caret_line.to_string(), line);

    type_into(&input, "kind: Namespace\n");
    until("the diagnostic goes away", || {
        page.all("diagnostic").is_empty()
    })
    .await;
    assert_eq!(
        page.one("summary").text_content().unwrap(),
        "1 document parsed"
    );
    assert!(page.all("tab-problems").is_empty());
}

#[wasm_bindgen_test]
async fn user_text_is_shown_as_text_never_as_html() {
    let markup = "<img src=x onerror=alert(1)><b>bold</b>";
    let yaml = format!("kind: \"{markup}\"\n");
    let page = mount(move || view! { <Editor files=vec![file("x.yaml", &yaml)] /> });
    assert_eq!(page.one("kind").text_content().unwrap(), markup);
    assert!(
        page.root.query_selector("img, b").unwrap().is_none(),
        "no element was made from user text"
    );

    // Also in diagnostics, which quote the user's text back.
    type_into(&page.visible("editor-input"), &format!("{markup}: [\n"));
    until("a diagnostic is shown", || {
        !page.all("diagnostic").is_empty()
    })
    .await;
    assert!(page.root.query_selector("img, b").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn hostile_input_does_not_break_the_page() {
    let page = mount(|| view! { <Editor files=vec![file("x.yaml", "")] /> });
    assert_eq!(
        page.one("summary").text_content().unwrap(),
        "No documents parsed"
    );
    let input = page.visible("editor-input");
    for text in [
        "\u{0}",
        "&a [*a, *a]",
        "- - - - -",
        "{{{{",
        "\u{feff}---\n---\n",
        &"[".repeat(10_000),
    ] {
        type_into(&input, text);
        sleep(Duration::from_millis(5)).await;
    }
    type_into(&input, "kind: Pod\n");
    until("the page still reacts", || {
        page.all("summary")
            .first()
            .and_then(|s| s.text_content())
            .as_deref()
            == Some("1 document parsed")
    })
    .await;
}
