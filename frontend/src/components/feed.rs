//! An endless list: the first page for the current filters, then the next one each time the end
//! of the list comes into view. The customer list, the pool and the complaint queue share it, so
//! the app carries one copy of the paging, the states and the scroll watching per kind of record.

use kehu_client::{Client, ClientError, ListQuery};
use kehu_core::complaint::Complaint;
use kehu_core::customer::Customer;
use kehu_core::list::List;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};

use crate::components::icons::{Icon, icon};
use crate::components::states::{LoadFailed, Loading, dynamic, live};
use crate::i18n::{Key, tr, use_i18n};
use crate::session::{Session, use_session};

/// Rows per page: a phone screen holds about eight rows, so one page fills three screens.
pub const PAGE: i64 = 25;

/// A kind of record an endless list shows: how a page of it is read.
pub trait Listed: Clone + Send + Sync + 'static {
    fn id(&self) -> Uuid;
    fn page(client: Client, query: ListQuery) -> impl Future<Output = Result<List<Self>, ClientError>>;
}

impl Listed for Customer {
    fn id(&self) -> Uuid {
        self.id
    }

    async fn page(client: Client, query: ListQuery) -> Result<List<Self>, ClientError> {
        client.list_customers(&query).await
    }
}

impl Listed for Complaint {
    fn id(&self) -> Uuid {
        self.id
    }

    async fn page(client: Client, query: ListQuery) -> Result<List<Self>, ClientError> {
        client.list_complaints(&query).await
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fetch {
    /// The first page for the current filters.
    First,
    /// A following page.
    More,
    Done,
    Failed(Key),
}

/// The list's records and where the next page starts; `query` builds the request's filters.
pub struct Feed<T: Listed = Customer> {
    pub items: RwSignal<Vec<T>>,
    pub fetch: RwSignal<Fetch>,
    cursor: RwSignal<Option<String>>,
    /// Each request gets a number; an answer to any but the latest is dropped, so a slow reply to
    /// an earlier search cannot overwrite the results of a later one.
    latest: StoredValue<u64>,
    query: Callback<(), ListQuery>,
    session: Session,
}

impl<T: Listed> Clone for Feed<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Listed> Copy for Feed<T> {}

impl<T: Listed> Feed<T> {
    /// A list that reads nothing until [`Feed::reload`].
    pub fn new(query: Callback<(), ListQuery>) -> Feed<T> {
        Feed {
            items: RwSignal::new(Vec::new()),
            fetch: RwSignal::new(Fetch::First),
            cursor: RwSignal::new(None),
            latest: StoredValue::new(0),
            query,
            session: use_session(),
        }
    }

    /// Reads the first page again, for new filters; the rows shown stay until it arrives.
    pub fn reload(self) {
        self.load(None);
    }

    /// Reads the next page, unless one is loading or there is none.
    pub fn more(self) {
        if matches!(self.fetch.get_untracked(), Fetch::First | Fetch::More) {
            return;
        }
        if let Some(cursor) = self.cursor.get_untracked() {
            self.load(Some(cursor));
        }
    }

    /// The filters of the list as shown, without paging: what an export of it asks for.
    pub fn query(&self) -> ListQuery {
        self.query.run(())
    }

    pub fn has_more(&self) -> bool {
        self.cursor.with(Option::is_some)
    }

    /// Drops a row, e.g. a pool customer someone has just claimed.
    pub fn remove(&self, id: Uuid) {
        self.items.update(|items| items.retain(|c| c.id() != id));
    }

    fn load(self, cursor: Option<String>) {
        let more = cursor.is_some();
        let mut query = self.query.run(()).limit(PAGE);
        if let Some(c) = cursor {
            query = query.cursor(c);
        }
        self.latest.update_value(|n| *n += 1);
        let ticket = self.latest.get_value();
        self.fetch.set(if more { Fetch::More } else { Fetch::First });
        let client = self.session.client();
        spawn_local(async move {
            let result = T::page(client, query).await;
            if self.latest.try_get_value() != Some(ticket) {
                return;
            }
            match result {
                Ok(page) => {
                    if more {
                        self.items.update(|items| items.extend(page.data));
                    } else {
                        self.items.set(page.data);
                    }
                    self.cursor.set(page.next_cursor.filter(|_| page.has_more));
                    self.fetch.set(Fetch::Done);
                }
                Err(e) => {
                    // After a failed first page the cursor belongs to other filters.
                    if !more {
                        self.cursor.set(None);
                    }
                    self.fetch.set(Fetch::Failed(Key::for_error(&e)));
                }
            }
        });
    }
}

/// What an empty list says: why it is empty, and, when filters emptied it, a way to clear them.
#[derive(Clone, Copy)]
pub struct Empty {
    pub icon: Icon,
    pub title: Key,
    pub hint: Key,
    /// Whether filters or a search are narrowing the list; reactive.
    pub filtered: Signal<bool>,
    pub clear: Callback<()>,
}

/// Draws the list, its states and its end. `row` draws one record.
#[component]
pub fn FeedList<T: Listed>(
    feed: Feed<T>,
    row: Callback<T, AnyView>,
    empty: Empty,
    testid: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let body = dynamic(move || {
        let state = feed.fetch.get();
        let none = feed.items.with(Vec::is_empty);
        match state {
            Fetch::First if none => view! { <Loading testid="list-loading" /> }.into_any(),
            Fetch::Failed(error) if none => view! {
                <LoadFailed error=error retry=Callback::new(move |()| feed.reload()) testid="list-error" />
            }
            .into_any(),
            _ if none => {
                let filtered = empty.filtered.get();
                view! {
                    <div class="state" data-testid="list-empty">
                        <span class="state-icon">{icon(if filtered { Icon::Search } else { empty.icon })}</span>
                        <p class="state-title">{tr(if filtered { Key::NoMatch } else { empty.title })}</p>
                        <p class="state-hint">{tr(if filtered { Key::NoMatchHint } else { empty.hint })}</p>
                        {filtered
                            .then(|| {
                                view! {
                                    <button type="button" class="btn btn-ghost" on:click=move |_| empty.clear.run(())>
                                        {tr(Key::ClearFilters)}
                                    </button>
                                }
                            })}
                    </div>
                }
                .into_any()
            }
            _ => {
                let rows = feed.items.get().into_iter().map(|c| row.run(c)).collect_view();
                view! {
                    <ul
                        class="list"
                        data-testid=testid
                        aria-busy=move || (feed.fetch.get() == Fetch::First).to_string()
                    >
                        {rows}
                    </ul>
                }
                .into_any()
            }
        }
    });
    let failed_more = move || matches!(feed.fetch.get(), Fetch::Failed(_)) && !feed.items.with(Vec::is_empty);
    view! {
        {body}
        <div class="list-foot">
            <p class="field-error" role="alert" hidden=move || !failed_more()>
                {live(move || match feed.fetch.get() {
                    Fetch::Failed(k) => i18n.t(k).to_owned(),
                    _ => String::new(),
                })}
            </p>
            // Pressed for the user when it scrolls into view; a button still, for keyboards and
            // for browsers that do not watch scrolling.
            <button
                type="button"
                class="btn btn-ghost"
                data-testid="list-more"
                hidden=move || !(feed.has_more() || failed_more())
                disabled=move || feed.fetch.get() == Fetch::More
                aria-busy=move || (feed.fetch.get() == Fetch::More).to_string()
                on:click=move |_| if feed.cursor.with_untracked(Option::is_some) { feed.more() } else { feed.reload() }
            >
                <span class="spinner" aria-hidden="true"></span>
                <span>{tr(Key::LoadMore)}</span>
            </button>
            <EndWatcher feed=feed />
        </div>
    }
}

/// An invisible line after the list that reads the next page as it nears the screen, and keeps
/// reading while it stays near (a tall screen may show several short pages at once).
#[component]
fn EndWatcher<T: Listed>(feed: Feed<T>) -> impl IntoView {
    let marker = NodeRef::<html::Div>::new();
    let near = RwSignal::new(false);
    let handle = StoredValue::new_local(None::<(IntersectionObserver, Closure<dyn FnMut(js_sys::Array)>)>);

    Effect::new(move |_| {
        let Some(el) = marker.get() else { return };
        let seen = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let hit = entries.iter().any(|e| e.unchecked_into::<IntersectionObserverEntry>().is_intersecting());
            near.try_set(hit);
        });
        let init = IntersectionObserverInit::new();
        // Starts the next read a little before the end shows, so scrolling rarely waits.
        init.set_root_margin("0px 0px 480px 0px");
        if let Ok(observer) = IntersectionObserver::new_with_options(seen.as_ref().unchecked_ref(), &init) {
            observer.observe(&el);
            handle.set_value(Some((observer, seen)));
        }
    });
    on_cleanup(move || {
        handle.try_update_value(|h| {
            if let Some((observer, _)) = h.take() {
                observer.disconnect();
            }
        });
    });
    // What the watcher saw before a page arrived is stale: the rows have pushed the line down.
    // Watching it afresh makes the browser report where it is now.
    Effect::new(move |_| {
        if feed.fetch.get() != Fetch::Done {
            return;
        }
        near.set(false);
        handle.with_value(|h| {
            if let (Some((observer, _)), Some(el)) = (h, marker.get_untracked()) {
                observer.unobserve(&el);
                observer.observe(&el);
            }
        });
    });
    Effect::new(move |_| {
        if near.get() && feed.fetch.get_untracked() == Fetch::Done && feed.cursor.with_untracked(Option::is_some) {
            feed.more();
        }
    });
    view! { <div class="feed-end" node_ref=marker aria-hidden="true"></div> }
}

/// How long typing must pause before the list is searched, so each keystroke is not a request.
const SEARCH_DELAY: std::time::Duration = std::time::Duration::from_millis(250);

/// A search field that searches as the user types, once typing pauses.
#[component]
pub fn SearchBox<T: Listed>(
    feed: Feed<T>,
    text: RwSignal<String>,
    placeholder: Key,
    testid: &'static str,
) -> impl IntoView {
    let typing = StoredValue::new(0_u64);
    let on_input = move |ev: leptos::ev::Event| {
        text.set(event_target_value(&ev));
        typing.update_value(|n| *n += 1);
        let mine = typing.get_value();
        set_timeout(
            move || {
                if typing.try_get_value() == Some(mine) {
                    feed.reload();
                }
            },
            SEARCH_DELAY,
        );
    };
    view! {
        <label class="search">
            {icon(Icon::Search)}
            <span class="visually-hidden">{tr(placeholder)}</span>
            <input
                class="input"
                type="search"
                enterkeyhint="search"
                data-testid=testid
                placeholder=tr(placeholder)
                autocomplete="off"
                spellcheck="false"
                prop:value=text
                on:input=on_input
            />
            <span
                class="spinner search-spinner"
                aria-hidden="true"
                hidden=move || feed.fetch.get() != Fetch::First || feed.items.with(Vec::is_empty)
            ></span>
        </label>
    }
}
