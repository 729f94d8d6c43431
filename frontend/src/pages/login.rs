use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::LangSwitch;
use crate::components::icons::{Icon, icon, logo};
use crate::components::states::when;
use crate::i18n::{Key, tr, use_i18n};
use crate::routes::{AppRoute, use_router};
use crate::session::use_session;

/// Handles `/login`.
#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();

    view! {
        {when(
            move || !session.is_signed_in(),
            ViewFn::from(|| {
                view! {
            <div class="auth">
                <aside class="auth-hero">
                    <div class="brand brand-inverse">
                        {logo()}
                        <span class="brand-name">{tr(Key::BrandName)}</span>
                    </div>
                    <div class="auth-hero-body">
                        <p class="auth-hero-title">{tr(Key::BrandTagline)}</p>
                        <ul class="auth-hero-points">
                            <li>
                                {icon(Icon::Check)}
                                <span>{tr(Key::HeroPointHistory)}</span>
                            </li>
                            <li>
                                {icon(Icon::Check)}
                                <span>{tr(Key::HeroPointPipeline)}</span>
                            </li>
                            <li>
                                {icon(Icon::Check)}
                                <span>{tr(Key::HeroPointAnywhere)}</span>
                            </li>
                        </ul>
                    </div>
                </aside>
                <main class="auth-main">
                    <div class="auth-top">
                        <div class="brand auth-brand-compact">
                            {logo()}
                            <span class="brand-name">{tr(Key::BrandName)}</span>
                        </div>
                        <LangSwitch />
                    </div>
                    <LoginForm />
                </main>
            </div>
                }
            }),
            ViewFn::from(AfterSignIn),
        )}
    }
}

/// Goes on to the page that asked for signing in, or home.
#[component]
fn AfterSignIn() -> impl IntoView {
    let router = use_router();
    Effect::new(move |_| router.replace(router.take_after_login().unwrap_or(AppRoute::Home)));
}

#[component]
fn LoginForm() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();

    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let missing = RwSignal::new(false);
    let pending = RwSignal::new(false);
    // Kept as a key, not a string, so switching language re-translates a message on screen.
    let failed = RwSignal::new(None::<Key>);
    let error = move || {
        if pending.get() {
            None
        } else if missing.get() {
            Some(Key::ErrMissingFields)
        } else {
            failed.get().or_else(|| session.expired().then_some(Key::ErrSessionExpired))
        }
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let address = email.get_untracked().trim().to_owned();
        let secret = password.get_untracked();
        if address.is_empty() || secret.is_empty() {
            missing.set(true);
            return;
        }
        missing.set(false);
        pending.set(true);
        spawn_local(async move {
            let result = session.sign_in(address, secret).await;
            pending.try_set(false);
            failed.try_set(result.err().map(|e| Key::for_error(&e)));
        });
    };

    view! {
        <div class="auth-card">
            <h1 class="auth-title">{tr(Key::SignInTitle)}</h1>
            <p class="auth-subtitle">{tr(Key::SignInSubtitle)}</p>
            <form class="form" novalidate on:submit=on_submit>
                // Present from the start, so assistive technology announces each new message.
                <div class="alert alert-error" role="alert" data-testid="login-error" hidden=move || error().is_none()>
                    {icon(Icon::Alert)}
                    <span>{move || error().map(|k| i18n.t(k))}</span>
                </div>
                <div class="field">
                    <label class="label" for="login-email">
                        {tr(Key::EmailLabel)}
                    </label>
                    <input
                        id="login-email"
                        class="input"
                        type="email"
                        name="email"
                        autocomplete="username"
                        inputmode="email"
                        autocapitalize="none"
                        spellcheck="false"
                        autofocus
                        placeholder=tr(Key::EmailPlaceholder)
                        data-testid="login-email"
                        aria-invalid=move || {
                            (missing.get() && email.with(|e| e.trim().is_empty())).to_string()
                        }
                        prop:value=email
                        on:input=move |ev| email.set(event_target_value(&ev))
                    />
                </div>
                <div class="field">
                    <label class="label" for="login-password">
                        {tr(Key::PasswordLabel)}
                    </label>
                    <input
                        id="login-password"
                        class="input"
                        type="password"
                        name="password"
                        autocomplete="current-password"
                        data-testid="login-password"
                        aria-invalid=move || {
                            (missing.get() && password.with(String::is_empty)).to_string()
                        }
                        prop:value=password
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                </div>
                <button
                    type="submit"
                    class="btn btn-primary btn-lg btn-block"
                    data-testid="login-submit"
                    disabled=move || pending.get()
                    aria-busy=move || pending.get().to_string()
                >
                    <span class="spinner" aria-hidden="true"></span>
                    <span>
                        {move || {
                            if pending.get() { i18n.t(Key::SigningIn) } else { i18n.t(Key::SignInButton) }
                        }}
                    </span>
                </button>
            </form>
        </div>
    }
}
