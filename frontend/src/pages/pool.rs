//! `/pool` (公海): the customers nobody owns, for reps to claim.

use kehu_client::{ClientError, ListQuery};
use kehu_core::ErrorCode;
use kehu_core::customer::Customer;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::components::feed::{Empty, Feed, FeedList, SearchBox};
use crate::components::form::{FieldErrors, FormAlert, SuccessAlert, action_button};
use crate::components::icons::Icon;
use crate::components::notice::Notice;
use crate::components::states::PageHead;
use crate::i18n::{Key, use_i18n};
use crate::pages::customers::parts::customer_row;
use crate::session::use_session;

/// What to tell the user when a claim fails; the two refusals particular to the pool get their
/// own words.
pub fn claim_error(err: &ClientError) -> Key {
    match err.code() {
        Some(ErrorCode::PoolCapReached) => Key::ErrPoolCap,
        Some(ErrorCode::NotInPool) => Key::ErrNotInPool,
        _ => Key::for_error(err),
    }
}

/// Handles `/pool`.
#[component]
pub fn PoolPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let q = RwSignal::new(String::new());
    let feed = Feed::new(Callback::new(move |()| {
        let query = ListQuery::new().param("owner_id", "none");
        let text = q.get_untracked();
        if text.trim().is_empty() { query } else { query.search(text.trim()) }
    }));
    feed.reload();
    let notice = RwSignal::new(None::<Notice>);
    let notice_text = move || notice.with(|n| n.as_ref().map(|n| n.text(i18n)));
    let failure = RwSignal::new(None::<Key>);
    let claiming = RwSignal::new(None::<Uuid>);

    let claim = move |id: Uuid, name: String| {
        if claiming.get_untracked().is_some() {
            return;
        }
        claiming.set(Some(id));
        notice.set(None);
        failure.set(None);
        let client = session.client();
        spawn_local(async move {
            let result = client.claim_customer(&id.to_string()).await;
            claiming.try_set(None);
            match result {
                Ok(_) => {
                    feed.remove(id);
                    notice.try_set(Some(Notice::new(Key::ClaimedNotice, name)));
                }
                Err(e) => {
                    // Someone else was quicker: the row is no longer in the pool either way.
                    if e.code() == Some(ErrorCode::NotInPool) {
                        feed.remove(id);
                    }
                    failure.try_set(Some(claim_error(&e)));
                }
            }
        });
    };
    let row = Callback::new(move |c: Customer| {
        let (id, name) = (c.id, c.name.clone());
        let button = session.works_customers().then(|| {
            action_button(
                "btn btn-soft",
                "pool-claim",
                Key::Claim,
                Signal::derive(move || claiming.get() == Some(id)),
                Signal::derive(move || claiming.get().is_some()),
                Callback::new(move |()| claim(id, name.clone())),
            )
        });
        customer_row(c, button)
    });
    let empty = Empty {
        icon: Icon::Inbox,
        title: Key::PoolEmpty,
        hint: Key::PoolEmptyHint,
        filtered: Signal::derive(move || !q.with(|q| q.trim().is_empty())),
        clear: Callback::new(move |()| {
            q.set(String::new());
            feed.reload();
        }),
    };
    view! {
        <div class="page">
            <PageHead title=Signal::derive(move || i18n.t(Key::PoolTitle).to_owned()) lede=Key::PoolLede />
            <div class="stack">
                <SuccessAlert text=Signal::derive(notice_text) testid="notice" />
                <FormAlert error=failure errors=FieldErrors::new() testid="pool-error" />
                <div class="toolbar" role="search">
                    <SearchBox feed=feed text=q placeholder=Key::SearchPool testid="pool-search" />
                </div>
            </div>
            <FeedList feed=feed row=row empty=empty testid="pool-list" />
        </div>
    }
}
