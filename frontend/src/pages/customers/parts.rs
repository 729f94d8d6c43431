//! Pieces the customer pages share: a customer's row in a list, its badges, call and mail links.

use chrono::{DateTime, Utc};
use kehu_core::customer::{Customer, CustomerKind, CustomerLevel};
use leptos::prelude::*;
use uuid::Uuid;

use crate::components::icons::{Icon, icon};
use crate::components::shell::initial;
use crate::components::states::live;
use crate::components::time;
use crate::data::use_people;
use crate::i18n::{I18n, Key, level_key, stage_key, tr, use_i18n};
use crate::routes::{AppRoute, Link};
use crate::session::use_session;

/// A `tel:` address for a number as people write it: separators go, an extension after `x` or
/// `#` is dropped (dialling it is left to the caller).
pub fn tel_href(phone: &str) -> String {
    let number = phone.split(['x', '#']).next().unwrap_or_default();
    let digits: String = number.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
    format!("tel:{digits}")
}

/// "Contacted 3 days ago", or that nobody has been in touch yet.
pub fn last_contact(i18n: I18n, at: Option<DateTime<Utc>>) -> String {
    match at {
        Some(t) => i18n.t(Key::LastContact).replace("{when}", &time::relative(t, i18n.lang())),
        None => i18n.t(Key::NoContactYet).to_owned(),
    }
}

/// The owner's name, or "Pool" for a customer nobody owns; reactive.
pub fn owner_text(i18n: I18n, owner: Option<Uuid>) -> String {
    match owner {
        Some(id) => use_people().name(id).unwrap_or_default(),
        None => i18n.t(Key::PoolOwner).to_owned(),
    }
}

/// The customer's level as a badge, coloured by importance.
pub fn level_badge(level: Option<CustomerLevel>) -> Option<AnyView> {
    level.map(|l| {
        view! {
            <span class="badge badge-level" data-level=l.as_str() data-testid="customer-level">
                {tr(level_key(l))}
            </span>
        }
        .into_any()
    })
}

/// A round button that calls `phone`; the number shows beside the icon where there is room.
pub fn call_link(phone: String, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let href = tel_href(&phone);
    let label = {
        let phone = phone.clone();
        move || format!("{} {phone}", i18n.t(Key::CallAction))
    };
    view! {
        <a class="btn btn-ghost btn-icon call-link" href=href data-testid=testid aria-label=label>
            {icon(Icon::Phone)}
            <span class="call-number">{phone}</span>
        </a>
    }
}

/// One customer in a list: the row opens it; `action` (a call link, a Claim button) sits beside.
pub fn customer_row(customer: Customer, action: Option<AnyView>) -> AnyView {
    let i18n = use_i18n();
    let Customer { id, name, kind, level, lifecycle_stage, owner_id, phone, last_activity_at, .. } = customer;
    let mark = if kind == CustomerKind::Company { "avatar avatar-square" } else { "avatar" };
    // "You" reads faster than one's own name, and tells one's own rows from a colleague's.
    let mine = owner_id.is_some() && owner_id == use_session().my_id();
    let owner = live(move || if mine { i18n.t(Key::OwnerYou).to_owned() } else { owner_text(i18n, owner_id) });
    let last = live(move || last_contact(i18n, last_activity_at));
    view! {
        <li class="crow" data-testid="customer-row">
            <Link route=AppRoute::Customer(id) class="crow-link" testid="customer-link">
                <span class=mark aria-hidden="true">
                    {initial(&name)}
                </span>
                <span class="crow-main">
                    <span class="crow-title">
                        <span class="crow-name" data-testid="customer-name">{name}</span>
                        {level_badge(level)}
                    </span>
                    <span class="crow-meta">
                        <span>{tr(stage_key(lifecycle_stage))}</span>
                        <span class:crow-pool=owner_id.is_none()>{owner}</span>
                        <span>{last}</span>
                    </span>
                </span>
            </Link>
            <div class="crow-actions">{phone.map(|p| call_link(p, "customer-call"))} {action}</div>
        </li>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::tel_href;

    #[test]
    fn phone_links_dial_digits_only() {
        assert_eq!(tel_href("+86 138-0013-8000"), "tel:+8613800138000");
        assert_eq!(tel_href("(010) 6552 9988 x12"), "tel:01065529988");
    }
}
