//! Copying text for the user, through the browser's asynchronous Clipboard API.

use leptos::prelude::window;

/// Puts `text` on the clipboard; `false` when the browser refused or has no clipboard to offer.
pub async fn copy_text(text: &str) -> bool {
    let clipboard = window().navigator().clipboard();
    // Browsers offer the clipboard only to secure pages (https, or this machine); on a server
    // reached over plain http the property is missing, and calling it would throw.
    if clipboard.is_undefined() {
        return false;
    }
    clipboard.write_text(text).await.is_ok()
}
