//! Who is signed in. The access token lives only in the client's memory: a reload restores the
//! session from the HttpOnly refresh cookie, which script can neither read nor leak.

use std::time::Duration;

use kehu_client::{Client, ClientError};
use kehu_core::ErrorCode;
use kehu_core::auth::TokenResponse;
use kehu_core::user::{Me, Role};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Debug, Clone, PartialEq)]
pub enum Auth {
    /// Asking the server whether the refresh cookie still holds a session.
    Restoring,
    SignedOut,
    SignedIn(Me),
}

/// The signed-in state and the API client, shared through context.
#[derive(Clone, Copy)]
pub struct Session {
    client: StoredValue<Client>,
    auth: RwSignal<Auth>,
    /// Set when the server ended the session, so the sign-in page can say why the user is there.
    expired: RwSignal<bool>,
    /// Bumped whenever the session changes hands, so a refresh timer of an earlier session stops.
    epoch: StoredValue<u64>,
    /// Whether anyone has signed in since the page loaded; see [`Session::should_return`].
    ever_signed_in: StoredValue<bool>,
}

impl Session {
    pub fn provide(client: Client) -> Session {
        let session = Session {
            client: StoredValue::new(client),
            auth: RwSignal::new(Auth::Restoring),
            expired: RwSignal::new(false),
            epoch: StoredValue::new(0),
            ever_signed_in: StoredValue::new(false),
        };
        provide_context(session);
        session
    }

    pub fn is_restoring(&self) -> bool {
        self.auth.with(|a| matches!(a, Auth::Restoring))
    }

    pub fn is_signed_in(&self) -> bool {
        self.auth.with(|a| matches!(a, Auth::SignedIn(_)))
    }

    pub fn me(&self) -> Option<Me> {
        self.with_me(|me| me.cloned())
    }

    /// Reads the signed-in user without copying them; reactive.
    pub fn with_me<R>(&self, f: impl FnOnce(Option<&Me>) -> R) -> R {
        self.auth.with(|a| match a {
            Auth::SignedIn(me) => f(Some(me)),
            _ => f(None),
        })
    }

    /// Whether the signed-in user may manage users, teams and settings; reactive.
    pub fn is_admin(&self) -> bool {
        self.auth.with(|a| matches!(a, Auth::SignedIn(me) if me.role == Role::Admin))
    }

    /// The signed-in user's role; reactive.
    pub fn role(&self) -> Option<Role> {
        self.auth.with(|a| match a {
            Auth::SignedIn(me) => Some(me.role),
            _ => None,
        })
    }

    /// Whether the signed-in user may take customers and change them: everyone but service
    /// agents, who read every customer and change none. Reactive.
    pub fn works_customers(&self) -> bool {
        self.role().is_some_and(|r| r != Role::Service)
    }

    /// Whether the signed-in user may change a customer owned by `owner`, as far as the app can
    /// tell: a rep their own, managers and administrators (the server has the final word on
    /// managers, whose reach depends on their teams). Reactive.
    pub fn may_change(&self, owner: Option<uuid::Uuid>) -> bool {
        match self.role() {
            Some(Role::Admin | Role::Manager) => true,
            Some(Role::Sales) => owner.is_some() && owner == self.my_id(),
            _ => false,
        }
    }

    /// The signed-in user's id, without tracking.
    pub fn my_id(&self) -> Option<uuid::Uuid> {
        self.auth.with_untracked(|a| match a {
            Auth::SignedIn(me) => Some(me.id),
            _ => None,
        })
    }

    pub fn expired(&self) -> bool {
        self.expired.get()
    }

    /// Whether a page that finds nobody signed in should be returned to after signing in: yes
    /// when the session lapsed or the page was opened directly, no after signing out on purpose.
    pub fn should_return(&self) -> bool {
        self.expired.get_untracked() || !self.ever_signed_in.get_value()
    }

    /// The API client, carrying the signed-in user's token.
    pub fn client(&self) -> Client {
        self.client.get_value()
    }

    /// Takes in what the server now says about the signed-in user (after a profile change).
    pub fn update_me(&self, me: Me) {
        self.auth.update(|a| {
            if matches!(a, Auth::SignedIn(_)) {
                *a = Auth::SignedIn(me);
            }
        });
    }

    fn next_epoch(&self) -> u64 {
        self.epoch.update_value(|e| *e += 1);
        self.epoch.get_value()
    }

    /// Trades the refresh cookie, if the browser holds one, for a session.
    pub fn restore(self) {
        spawn_local(async move {
            let client = self.client();
            let restored = match client.refresh().await {
                Ok(tokens) => client.me().await.map(|me| (tokens, me)),
                Err(e) => Err(e),
            };
            match restored {
                Ok((tokens, me)) => self.start(tokens, me),
                Err(_) => self.auth.set(Auth::SignedOut),
            }
        });
    }

    pub async fn sign_in(self, email: String, password: String) -> Result<(), ClientError> {
        let client = self.client();
        let tokens = client.login(&email, &password).await?;
        let me = client.me().await?;
        self.start(tokens, me);
        Ok(())
    }

    pub async fn sign_out(self) {
        self.next_epoch();
        // The cookie is gone only if the server says so; either way this tab forgets the user.
        let _ = self.client().logout().await;
        self.expired.set(false);
        self.auth.set(Auth::SignedOut);
    }

    fn start(self, tokens: TokenResponse, me: Me) {
        let epoch = self.next_epoch();
        self.ever_signed_in.set_value(true);
        self.expired.set(false);
        self.auth.set(Auth::SignedIn(me));
        self.schedule_refresh(epoch, tokens.expires_in);
    }

    /// Renews the access token a little before it lapses, so an open tab stays signed in for as
    /// long as the refresh session lasts.
    fn schedule_refresh(self, epoch: u64, expires_in: i64) {
        let secs = (expires_in - 30).max(expires_in / 2).max(5);
        let secs = u64::try_from(secs).unwrap_or(5);
        set_timeout(move || spawn_local(self.renew(epoch)), Duration::from_secs(secs));
    }

    async fn renew(self, epoch: u64) {
        if self.epoch.try_get_value() != Some(epoch) {
            return;
        }
        let result = self.client().refresh().await;
        if self.epoch.try_get_value() != Some(epoch) {
            return;
        }
        match result {
            Ok(tokens) => self.schedule_refresh(epoch, tokens.expires_in),
            Err(ClientError::Api(p))
                if matches!(p.code, ErrorCode::InvalidRefreshToken | ErrorCode::Unauthenticated) =>
            {
                self.next_epoch();
                self.expired.set(true);
                self.auth.set(Auth::SignedOut);
            }
            // A dropped connection is not the end of the session; try again shortly.
            Err(_) => self.schedule_refresh(epoch, 60),
        }
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
