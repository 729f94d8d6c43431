//! Form plumbing shared by the editing pages. A failed field is named by the JSON Pointer the API
//! uses (`/email`), so the checks made here before sending and the server's answer land in the
//! same place, and messages are kept as keys so they follow a language switch.

use kehu_client::{ClientError, WriteOptions};
use kehu_core::ErrorCode;
use kehu_core::user::MIN_PASSWORD_LEN;
use leptos::prelude::*;

use crate::components::icons::{Icon, icon};
use crate::i18n::{I18n, Key, tr, use_i18n};

/// The `Idempotency-Key` of one record the user is creating. It stays the same while they retry
/// after the network failed (the first try may have reached the server, and must not be applied
/// twice) and changes once the server has answered, since what is sent next is a new request.
#[derive(Clone, Copy)]
pub struct CreateKey(StoredValue<String>);

impl CreateKey {
    pub fn new() -> Self {
        CreateKey(StoredValue::new(fresh_key()))
    }

    pub fn options(&self) -> WriteOptions {
        WriteOptions::idempotent(self.0.get_value())
    }

    /// Call with every answer: any but a network failure retires the key.
    pub fn settle<T>(&self, result: &Result<T, ClientError>) {
        if !matches!(result, Err(ClientError::Transport(_))) {
            self.0.set_value(fresh_key());
        }
    }
}

/// A random UUID. `crypto.getRandomValues` rather than `randomUUID`, which browsers offer only on
/// HTTPS or localhost, and Kehu may be served over plain HTTP on an office network.
fn fresh_key() -> String {
    let mut bytes = [0_u8; 16];
    let random = window().crypto().and_then(|c| c.get_random_values_with_u8_array(&mut bytes));
    if random.is_err() {
        // No Web Crypto: the clock and Math.random still tell this request from the user's others.
        let now = js_sys::Date::now().to_bits().to_le_bytes();
        bytes[..8].copy_from_slice(&now);
        bytes[8..].copy_from_slice(&(js_sys::Math::random().to_bits()).to_le_bytes());
    }
    uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
}

/// The failed fields of one form.
#[derive(Clone, Copy)]
pub struct FieldErrors(RwSignal<Vec<(String, Key)>>);

impl FieldErrors {
    pub fn new() -> Self {
        FieldErrors(RwSignal::new(Vec::new()))
    }

    /// The message for the field at `pointer`; reactive.
    pub fn get(&self, pointer: &str) -> Option<Key> {
        self.0.with(|errors| errors.iter().find(|(p, _)| p == pointer).map(|(_, k)| *k))
    }

    /// Whether no field is marked; reactive.
    pub fn is_empty(&self) -> bool {
        self.0.with(Vec::is_empty)
    }

    pub fn set(&self, errors: Vec<(String, Key)>) {
        self.0.set(errors);
    }

    /// Forgets the field's message once the user edits it, so a fix is not still marked wrong.
    pub fn clear(&self, pointer: &str) {
        if self.0.with_untracked(|errors| errors.iter().any(|(p, _)| p == pointer)) {
            self.0.update(|errors| errors.retain(|(p, _)| p != pointer));
        }
    }
}

/// The message for one failed field: the API's stable code decides, never its English detail.
pub fn field_error_key(pointer: &str, code: &str) -> Key {
    match (pointer, code) {
        ("/scopes", "required") => Key::ErrNoScopes,
        (_, "required") => Key::ErrRequired,
        // The server names the wrong current password by its field, whatever code it picks.
        ("/current", _) => Key::ErrCurrentPassword,
        ("/email", "taken") => Key::ErrEmailTaken,
        (_, "taken") => Key::ErrTaken,
        (_, "invalid_email") => Key::ErrInvalidEmail,
        (_, "invalid_phone") => Key::ErrInvalidPhone,
        (_, "in_future") => Key::ErrDateInFuture,
        ("/tags", "too_many") => Key::ErrTooManyTags,
        ("/password" | "/new", "too_short") => Key::ErrPasswordTooShort,
        (_, "too_short") => Key::ErrTooShort,
        (_, "too_long") => Key::ErrTooLong,
        (_, "out_of_range") => Key::ErrOutOfRange,
        (_, "not_found") => Key::ErrGoneChoice,
        (_, "cycle") => Key::ErrTeamCycle,
        (_, "exceeds_role") => Key::ErrScopeNotHeld,
        (_, "unknown_scope") => Key::ErrScopeUnknown,
        (_, "must_be_future") => Key::ErrDateInPast,
        _ => Key::ErrInvalidValue,
    }
}

/// Splits a failed write into the fields to mark and the message for the whole form.
pub fn write_error(err: &ClientError) -> (Vec<(String, Key)>, Key) {
    if let ClientError::Api(problem) = err
        && matches!(problem.code, ErrorCode::ValidationFailed | ErrorCode::Conflict)
        && !problem.errors.is_empty()
    {
        let fields = problem.errors.iter().map(|e| (e.pointer.clone(), field_error_key(&e.pointer, &e.code))).collect();
        return (fields, Key::ErrCheckFields);
    }
    (Vec::new(), Key::for_error(err))
}

/// Marks what the checks before sending found (`problems` of the form's own, `found` by the shared
/// checks of `kehu-core`); when there is nothing, the form becomes pending and may send.
pub fn mark_checked(
    errors: FieldErrors,
    form_error: RwSignal<Option<Key>>,
    pending: RwSignal<bool>,
    mut problems: Vec<(String, Key)>,
    found: kehu_core::validate::Errors,
) -> bool {
    problems.extend(check_errors(found));
    let ok = problems.is_empty();
    errors.set(problems);
    form_error.set((!ok).then_some(Key::ErrCheckFields));
    if ok {
        pending.set(true);
    }
    ok
}

/// The failures the shared checks of `kehu-core` found before sending, as the form marks them.
pub fn check_errors(errors: kehu_core::validate::Errors) -> Vec<(String, Key)> {
    errors.0.into_iter().map(|e| (e.pointer.clone(), field_error_key(&e.pointer, &e.code))).collect()
}

/// A field's message in the current language, with `{n}` standing for the shortest password.
fn message(i18n: I18n, key: Key) -> String {
    i18n.t(key).replace("{n}", &MIN_PASSWORD_LEN.to_string())
}

/// What kind of text a field takes, which decides the keyboard a phone shows and what the
/// browser offers to fill in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Input {
    #[default]
    Text,
    /// A person's name, offered from the browser's own.
    PersonName,
    Email,
    NewPassword,
    CurrentPassword,
    /// A number that may have decimals, such as a percentage.
    Decimal,
    /// A whole number.
    Count,
    /// A day, picked from the browser's calendar.
    Date,
    /// A day and a time of day, in the reader's time zone.
    DateTime,
    /// A phone number: the phone shows its dial pad.
    Tel,
    /// A web address.
    Url,
}

impl Input {
    /// `type`, `inputmode` and `autocomplete`.
    fn attrs(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Input::Text => ("text", "text", "off"),
            Input::PersonName => ("text", "text", "name"),
            Input::Email => ("email", "email", "off"),
            Input::NewPassword => ("password", "text", "new-password"),
            Input::CurrentPassword => ("password", "text", "current-password"),
            Input::Decimal => ("text", "decimal", "off"),
            Input::Count => ("text", "numeric", "off"),
            Input::Date => ("date", "text", "off"),
            Input::DateTime => ("datetime-local", "text", "off"),
            Input::Tel => ("tel", "tel", "off"),
            Input::Url => ("url", "url", "off"),
        }
    }
}

/// The text of a choice: translated, or a name from the data.
#[derive(Debug, Clone, PartialEq)]
pub enum Label {
    Key(Key),
    Text(String),
}

/// One option of a select.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub value: String,
    pub label: Label,
}

impl Choice {
    pub fn key(value: impl Into<String>, key: Key) -> Choice {
        Choice { value: value.into(), label: Label::Key(key) }
    }

    pub fn text(value: impl Into<String>, text: impl Into<String>) -> Choice {
        Choice { value: value.into(), label: Label::Text(text.into()) }
    }
}

/// What a field holds and how it is edited.
pub enum Control {
    Text(Input),
    Select(Vec<Choice>),
    /// Several lines of text.
    Area,
}

/// One field of a form: a label above its control, a hint and the field's error below. The
/// control's `id` is also its `data-testid`; the error message is `{id}-error`. Every field of
/// the app is drawn by [`FieldSpec::view`], which keeps the compiled app small.
pub struct FieldSpec {
    label: Label,
    id: &'static str,
    /// The JSON Pointer of the field in the request body, where the API reports its errors.
    pointer: &'static str,
    value: RwSignal<String>,
    control: Control,
    hint: Option<Key>,
    optional: bool,
    placeholder: Option<Key>,
    /// Text shown at the end of the box, such as `%`.
    suffix: Option<&'static str>,
    /// The earliest value a date field offers (`YYYY-MM-DD`).
    min: Option<String>,
}

impl FieldSpec {
    pub fn text(label: Key, id: &'static str, pointer: &'static str, value: RwSignal<String>) -> FieldSpec {
        FieldSpec {
            label: Label::Key(label),
            id,
            pointer,
            value,
            control: Control::Text(Input::Text),
            hint: None,
            optional: false,
            placeholder: None,
            suffix: None,
            min: None,
        }
    }

    pub fn select(
        label: Key,
        id: &'static str,
        pointer: &'static str,
        value: RwSignal<String>,
        choices: Vec<Choice>,
    ) -> FieldSpec {
        FieldSpec { control: Control::Select(choices), ..FieldSpec::text(label, id, pointer, value) }
    }

    /// A label of the user's own words, such as a custom field's.
    pub fn labelled(self, text: String) -> FieldSpec {
        FieldSpec { label: Label::Text(text), ..self }
    }

    pub fn area(self) -> FieldSpec {
        FieldSpec { control: Control::Area, ..self }
    }

    pub fn input(self, input: Input) -> FieldSpec {
        FieldSpec { control: Control::Text(input), ..self }
    }

    pub fn hint(self, hint: Key) -> FieldSpec {
        FieldSpec { hint: Some(hint), ..self }
    }

    pub fn optional(self, optional: bool) -> FieldSpec {
        FieldSpec { optional, ..self }
    }

    pub fn placeholder(self, placeholder: Key) -> FieldSpec {
        FieldSpec { placeholder: Some(placeholder), ..self }
    }

    pub fn suffix(self, suffix: &'static str) -> FieldSpec {
        FieldSpec { suffix: Some(suffix), ..self }
    }

    pub fn min(self, min: String) -> FieldSpec {
        FieldSpec { min: Some(min), ..self }
    }

    /// Draws the field. `on_edit` runs after each change, e.g. to take back a "saved" message.
    pub fn view(self, errors: FieldErrors, on_edit: Option<Callback<()>>) -> AnyView {
        let i18n = use_i18n();
        let FieldSpec { label, id, pointer, value, control, hint, optional, placeholder, suffix, min } = self;
        let edited = move || {
            errors.clear(pointer);
            if let Some(edited) = on_edit {
                edited.run(());
            }
        };
        let invalid = move || errors.get(pointer).is_some();
        let control = match control {
            Control::Text(input) => {
                let (kind, mode, autocomplete) = input.attrs();
                view! {
                    <div class="input-wrap">
                        <input
                            id=id
                            class="input"
                            type=kind
                            inputmode=mode
                            autocomplete=autocomplete
                            autocapitalize=if matches!(input, Input::Email | Input::Url) { "none" } else { "sentences" }
                            spellcheck="false"
                            data-testid=id
                            placeholder=move || placeholder.map(|k| i18n.t(k))
                            min=min
                            aria-invalid=move || if invalid() { "true" } else { "false" }
                            aria-describedby=format!("{id}-error")
                            prop:value=value
                            on:input=move |ev| {
                                value.set(event_target_value(&ev));
                                edited();
                            }
                        />
                        {suffix.map(|s| view! { <span class="affix" aria-hidden="true">{s}</span> })}
                    </div>
                }
                .into_any()
            }
            Control::Area => view! {
                <textarea
                    id=id
                    class="input area"
                    rows="3"
                    data-testid=id
                    placeholder=move || placeholder.map(|k| i18n.t(k))
                    aria-invalid=move || if invalid() { "true" } else { "false" }
                    aria-describedby=format!("{id}-error")
                    prop:value=value
                    on:input=move |ev| {
                        value.set(event_target_value(&ev));
                        edited();
                    }
                ></textarea>
            }
            .into_any(),
            Control::Select(choices) => {
                select(id, value, choices, None, Signal::derive(invalid), Some(Callback::new(move |()| edited())))
                    .into_any()
            }
        };
        let error = move || errors.get(pointer);
        view! {
            <div class="field">
                <label class="label" for=id>
                    {label_text(i18n, label)}
                    {optional.then(|| view! { <span class="label-note">{tr(Key::Optional)}</span> })}
                </label>
                {control}
                {hint.map(|h| view! { <p class="hint">{move || message(i18n, h)}</p> })}
                <p class="field-error" id=format!("{id}-error") data-testid=format!("{id}-error") hidden=move || error().is_none()>
                    {move || error().map(|k| message(i18n, k))}
                </p>
            </div>
        }
        .into_any()
    }
}

/// A label's text in the current language; reactive.
fn label_text(i18n: I18n, label: Label) -> impl Fn() -> String + Send + Sync + 'static {
    move || match &label {
        Label::Key(k) => i18n.t(*k).to_owned(),
        Label::Text(t) => t.clone(),
    }
}

/// The bare drop-down, also used for filters without a visible label.
pub fn select(
    id: &'static str,
    value: RwSignal<String>,
    choices: Vec<Choice>,
    label: Option<Key>,
    invalid: Signal<bool>,
    on_change: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let options = choices
        .into_iter()
        .map(|Choice { value: option, label }| {
            let text = label_text(i18n, label);
            // Options are added after the select's value is set, so each one says whether it is
            // the chosen one.
            let chosen = option.clone();
            view! {
                <option value=option prop:selected=move || value.with(|v| *v == chosen)>
                    {text}
                </option>
            }
        })
        .collect_view();
    view! {
        <select
            id=id
            class="input select"
            data-testid=id
            aria-label=move || label.map(|k| i18n.t(k))
            aria-invalid=move || if invalid.get() { "true" } else { "false" }
            prop:value=value
            on:change=move |ev| {
                value.set(event_target_value(&ev));
                if let Some(changed) = on_change {
                    changed.run(());
                }
            }
        >
            {options}
        </select>
    }
}

/// A tick box with its label beside it, in the style of the scope picker's.
pub fn checkbox(label: Key, id: &'static str, checked: RwSignal<bool>) -> impl IntoView {
    view! {
        <label class="check check-box">
            <input
                type="checkbox"
                class="checkbox"
                data-testid=id
                prop:checked=checked
                on:change=move |ev| checked.set(event_target_checked(&ev))
            />
            <span class="check-text">{tr(label)}</span>
        </label>
    }
}

/// The message about a whole form, present from the start so screen readers announce changes.
#[component]
pub fn FormAlert(error: RwSignal<Option<Key>>, errors: FieldErrors, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    // "Correct the marked fields" goes once the user has corrected them all.
    let shown = move || error.get().filter(|k| *k != Key::ErrCheckFields || !errors.is_empty());
    view! {
        <div class="alert alert-error" role="alert" data-testid=testid hidden=move || shown().is_none()>
            {icon(Icon::Alert)}
            <span>{move || shown().map(|k| i18n.t(k))}</span>
        </div>
    }
}

/// A confirmation that something was saved.
#[component]
pub fn SuccessAlert(#[prop(into)] text: Signal<Option<String>>, testid: &'static str) -> impl IntoView {
    view! {
        <div class="alert alert-success" role="status" data-testid=testid hidden=move || text.get().is_none()>
            {icon(Icon::Check)}
            <span>{move || text.get()}</span>
        </div>
    }
}

/// A button that shows a spinner and refuses clicks while its action runs.
#[component]
pub fn SubmitButton(label: Key, busy_label: Key, pending: RwSignal<bool>, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            type="submit"
            class="btn btn-primary"
            data-testid=testid
            disabled=move || pending.get()
            aria-busy=move || pending.get().to_string()
        >
            <span class="spinner" aria-hidden="true"></span>
            <span>{move || if pending.get() { i18n.t(busy_label) } else { i18n.t(label) }}</span>
        </button>
    }
}

/// A button that runs an action on the server: it shows a spinner while `busy`, and refuses
/// clicks while `disabled` (another action of the same kind running, say). Every such button of
/// the app is this one, so it is compiled once.
pub fn action_button(
    class: &'static str,
    testid: &'static str,
    label: Key,
    busy: Signal<bool>,
    disabled: Signal<bool>,
    on_click: Callback<()>,
) -> AnyView {
    view! {
        <button
            type="button"
            class=class
            data-testid=testid
            disabled=move || disabled.get() || busy.get()
            aria-busy=move || busy.get().to_string()
            on:click=move |_| on_click.run(())
        >
            <span class="spinner" aria-hidden="true"></span>
            <span>{tr(label)}</span>
        </button>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::field_error_key;
    use crate::i18n::Key;

    #[test]
    fn server_codes_become_messages() {
        assert_eq!(field_error_key("/email", "taken"), Key::ErrEmailTaken);
        assert_eq!(field_error_key("/name", "taken"), Key::ErrTaken);
        assert_eq!(field_error_key("/email", "invalid_email"), Key::ErrInvalidEmail);
        assert_eq!(field_error_key("/current", "invalid"), Key::ErrCurrentPassword);
        assert_eq!(field_error_key("/current", "required"), Key::ErrRequired);
        assert_eq!(field_error_key("/password", "too_short"), Key::ErrPasswordTooShort);
        assert_eq!(field_error_key("/parent_id", "cycle"), Key::ErrTeamCycle);
        assert_eq!(field_error_key("/team_id", "not_found"), Key::ErrGoneChoice);
        assert_eq!(field_error_key("/name", "something_new"), Key::ErrInvalidValue);
        assert_eq!(field_error_key("/mobile", "invalid_phone"), Key::ErrInvalidPhone);
        assert_eq!(field_error_key("/birthday", "in_future"), Key::ErrDateInFuture);
        assert_eq!(field_error_key("/scopes", "required"), Key::ErrNoScopes);
        assert_eq!(field_error_key("/scopes/2", "exceeds_role"), Key::ErrScopeNotHeld);
        assert_eq!(field_error_key("/expires_at", "must_be_future"), Key::ErrDateInPast);
    }
}
