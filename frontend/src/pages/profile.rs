use kehu_core::user::{ChangePassword, UpdateMe};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::form::{
    Choice, FieldErrors, FieldSpec, FormAlert, Input, SubmitButton, SuccessAlert, check_errors, write_error,
};
use crate::components::shell::{AccountTabs, SignOutButton};
use crate::components::states::PageHead;
use crate::i18n::{Key, Lang, role_key, tr, use_i18n};
use crate::session::use_session;

/// Handles `/profile`: what everyone may change about themselves.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="page">
            <AccountTabs />
            <PageHead title=Signal::derive(move || i18n.t(Key::ProfileTitle).to_owned()) lede=Key::ProfileLede />
            <div class="grid">
                <ProfileForm />
                <PasswordForm />
            </div>
            // A wide screen's sidebar has its own; a phone's bottom bar leaves it here.
            <div class="phone-only profile-sign-out">
                <SignOutButton class="btn btn-danger-ghost btn-block" />
            </div>
        </div>
    }
}

#[component]
fn ProfileForm() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let start = untrack(|| session.me());
    let name = RwSignal::new(start.as_ref().map(|m| m.name.clone()).unwrap_or_default());
    // What the user reads now, which on this device may differ from what the account says.
    let lang = RwSignal::new(i18n.lang_untracked().code().to_owned());
    let errors = FieldErrors::new();
    let form_error = RwSignal::new(None::<Key>);
    let saved = RwSignal::new(false);
    let pending = RwSignal::new(false);

    let save = move |name: String, lang: Lang| {
        let client = session.client();
        pending.set(true);
        spawn_local(async move {
            let body = UpdateMe { name: Some(name), locale: Some(lang.locale()) };
            let result = client.update_me(&body).await;
            pending.try_set(false);
            match result {
                Ok(updated) => {
                    session.update_me(updated);
                    i18n.set(lang);
                    saved.set(true);
                }
                Err(e) => {
                    let (fields, key) = write_error(&e);
                    errors.set(fields);
                    form_error.set(Some(key));
                }
            }
        });
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        saved.set(false);
        let text = name.get_untracked().trim().to_owned();
        let found = check_errors(UpdateMe { name: Some(text.clone()), locale: None }.check());
        if !found.is_empty() {
            errors.set(found);
            form_error.set(Some(Key::ErrCheckFields));
            return;
        }
        errors.set(Vec::new());
        form_error.set(None);
        save(text, Lang::from_code(&lang.get_untracked()).unwrap_or(Lang::En));
    };
    let unsaved = Callback::new(move |()| saved.set(false));
    let email = move || session.with_me(|m| m.map(|m| m.email.clone()).unwrap_or_default());
    let role = move || session.with_me(|m| m.map(|m| i18n.t(role_key(m.role))));

    view! {
        <section class="card" aria-labelledby="profile-heading">
            <h2 class="card-title" id="profile-heading">
                {tr(Key::AccountHeading)}
            </h2>
            <form class="form" novalidate on:submit=on_submit data-testid="profile-form">
                <FormAlert error=form_error errors=errors testid="profile-error" />
                <SuccessAlert
                    text=Signal::derive(move || saved.get().then(|| i18n.t(Key::ProfileSaved).to_owned()))
                    testid="profile-saved"
                />
                <dl class="facts facts-inline">
                    <div class="fact">
                        <dt>{tr(Key::EmailLabel)}</dt>
                        <dd data-testid="profile-email">{move || email()}</dd>
                    </div>
                    <div class="fact">
                        <dt>{tr(Key::RoleLabel)}</dt>
                        <dd>
                            <span class="badge" data-testid="profile-role">
                                {move || role()}
                            </span>
                        </dd>
                    </div>
                </dl>
                {[
                    FieldSpec::text(Key::NameLabel, "profile-name", "/name", name).input(Input::PersonName),
                    // Each language named in itself, so a reader of it can find it.
                    FieldSpec::select(
                            Key::LanguageLabel,
                            "profile-locale",
                            "/locale",
                            lang,
                            vec![Choice::text(Lang::En.code(), "English"), Choice::text(Lang::ZhCn.code(), "简体中文")],
                        )
                        .hint(Key::LanguageHint),
                ]
                    .into_iter()
                    .map(|f| f.view(errors, Some(unsaved)))
                    .collect_view()}
                <div class="form-actions">
                    <SubmitButton label=Key::SaveChanges busy_label=Key::Saving pending=pending testid="profile-save" />
                </div>
            </form>
        </section>
    }
}

/// The checks made before sending: the server's check of the new password (from `kehu-core`),
/// and the form's own: the current one given, the new one typed the same twice.
fn check_password(current: &str, new: &str, confirm: &str) -> Vec<(String, Key)> {
    let mut errors = Vec::new();
    if current.is_empty() {
        errors.push(("/current".to_owned(), Key::ErrRequired));
    }
    let body = ChangePassword { current: current.to_owned(), new: new.to_owned() };
    let found = check_errors(body.check());
    if new.is_empty() {
        errors.push(("/new".to_owned(), Key::ErrRequired));
    } else if !found.is_empty() {
        errors.extend(found);
    } else if new != confirm {
        errors.push(("/confirm".to_owned(), Key::ErrPasswordMismatch));
    }
    errors
}

#[component]
fn PasswordForm() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let form_error = RwSignal::new(None::<Key>);
    let changed = RwSignal::new(false);
    let pending = RwSignal::new(false);

    let change = move |body: ChangePassword| {
        let client = session.client();
        pending.set(true);
        spawn_local(async move {
            let result = client.change_password(&body).await;
            pending.try_set(false);
            match result {
                Ok(()) => {
                    current.set(String::new());
                    new.set(String::new());
                    confirm.set(String::new());
                    changed.set(true);
                }
                Err(e) => {
                    let (fields, key) = write_error(&e);
                    errors.set(fields);
                    form_error.set(Some(key));
                }
            }
        });
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        changed.set(false);
        let (c, n, k) = (current.get_untracked(), new.get_untracked(), confirm.get_untracked());
        let problems = check_password(&c, &n, &k);
        if !problems.is_empty() {
            errors.set(problems);
            form_error.set(Some(Key::ErrCheckFields));
            return;
        }
        errors.set(Vec::new());
        form_error.set(None);
        change(ChangePassword { current: c, new: n });
    };
    let unsaved = Callback::new(move |()| changed.set(false));

    view! {
        <section class="card" aria-labelledby="password-heading">
            <h2 class="card-title" id="password-heading">
                {tr(Key::ChangePasswordHeading)}
            </h2>
            <form class="form" novalidate on:submit=on_submit data-testid="password-form">
                <FormAlert error=form_error errors=errors testid="password-error" />
                <SuccessAlert
                    text=Signal::derive(move || changed.get().then(|| i18n.t(Key::PasswordChanged).to_owned()))
                    testid="password-changed"
                />
                {[
                    FieldSpec::text(Key::CurrentPasswordLabel, "password-current", "/current", current)
                        .input(Input::CurrentPassword),
                    FieldSpec::text(Key::NewPasswordLabel, "password-new", "/new", new)
                        .input(Input::NewPassword)
                        .hint(Key::PasswordHint),
                    FieldSpec::text(Key::ConfirmPasswordLabel, "password-confirm", "/confirm", confirm)
                        .input(Input::NewPassword),
                ]
                    .into_iter()
                    .map(|f| f.view(errors, Some(unsaved)))
                    .collect_view()}
                <div class="form-actions">
                    <SubmitButton
                        label=Key::ChangePassword
                        busy_label=Key::Saving
                        pending=pending
                        testid="password-submit"
                    />
                </div>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_checked_before_sending() {
        assert!(check_password("old-secret", "a-new-secret", "a-new-secret").is_empty());
        assert_eq!(
            check_password("", "short", "short"),
            [("/current".to_owned(), Key::ErrRequired), ("/new".to_owned(), Key::ErrPasswordTooShort)]
        );
        assert_eq!(
            check_password("x", "a-new-secret", "a-new-secreT"),
            [("/confirm".to_owned(), Key::ErrPasswordMismatch)]
        );
    }
}
