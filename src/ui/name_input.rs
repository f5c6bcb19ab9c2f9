//! The event-names input: free text (exact names or `/regexp/`, separated by
//! commas or spaces), suggestions from the built-in catalogue with their
//! descriptions as the user types, and the Console's ready-made sets.

use leptos::prelude::*;

use crate::tts::{definitions, presets::PRESETS};

/// The word being typed: what follows the last separator, unless it is a regexp.
fn current_token(text: &str) -> &str {
    let start = text.rfind([',', ' ', '\n']).map_or(0, |i| i + 1);
    let token = text.get(start..).unwrap_or_default();
    if token.starts_with('/') {
        ""
    } else {
        token
    }
}

/// Up to `limit` catalogue names containing `token`, with their descriptions.
pub fn suggest(token: &str, limit: usize) -> Vec<(&'static str, &'static str)> {
    let token = token.trim().to_ascii_lowercase();
    if token.len() < 2 {
        return Vec::new();
    }
    definitions()
        .iter()
        .filter(|d| d.name.contains(token.as_str()) && d.name != token)
        .take(limit)
        .map(|d| (d.name, d.description))
        .collect()
}

/// `text` with its current token replaced by `name`, ready for the next entry.
fn complete(text: &str, name: &str) -> String {
    let token = current_token(text);
    let head = text.get(..text.len() - token.len()).unwrap_or(text);
    format!("{head}{name}, ")
}

/// The event-names field.
#[component]
pub fn NameInput(
    /// The field's text.
    value: Signal<String>,
    /// Called with the new text.
    on_change: Callback<String>,
    /// Whether the field has a problem (sets `aria-invalid`).
    invalid: Signal<bool>,
) -> impl IntoView {
    let suggestions = move || value.with(|v| suggest(current_token(v), 8));
    view! {
        <input id="event-names" name="event-names" autocomplete="off" spellcheck="false"
            placeholder="all events; or e.g. as.up.data.forward, /^gs\\.up\\./"
            aria-describedby="event-names-error" aria-invalid=move || invalid.get().to_string()
            aria-controls="event-name-suggestions"
            prop:value=value
            on:input=move |ev| on_change.run(event_target_value(&ev)) />
        <ul class="suggestions" id="event-name-suggestions" role="listbox" aria-label="Event name suggestions">
            {move || suggestions().into_iter().map(|(name, description)| view! {
                <li role="option" aria-selected="false">
                    <button type="button" on:click=move |_| on_change.run(complete(&value.get_untracked(), name))>
                        <span class="s-name">{name}</span>
                        <span class="s-desc">{description}</span>
                    </button>
                </li>
            }).collect_view()}
        </ul>
        <div class="presets" role="group" aria-label="Ready-made event name sets">
            <span class="help">"Sets:"</span>
            {PRESETS.iter().map(|p| view! {
                <button type="button" class="chip-button" title=p.description
                    on:click=move |_| on_change.run(p.entries().join(", "))>
                    {p.label}
                </button>
            }).collect_view()}
            <button type="button" class="chip-button" title="Stream every event" on:click=move |_| on_change.run(String::new())>
                "All events"
            </button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_follow_the_word_being_typed() {
        let found = suggest(current_token("js.join.accept, as.up.data.fo"), 8);
        assert_eq!(found.first().map(|f| f.0), Some("as.up.data.forward"));
        assert!(found.iter().all(|(n, _)| n.contains("as.up.data.fo")));
        assert!(suggest(current_token("/^as\\.up"), 8).is_empty());
        assert_eq!(
            complete("js.join.accept, as.up.data.fo", "as.up.data.forward"),
            "js.join.accept, as.up.data.forward, "
        );
    }
}
