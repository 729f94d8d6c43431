//! One module per route, or per pair of routes that share a form.

pub mod api_key_new;
pub mod api_keys;
pub mod contact;
pub mod customers;
pub mod home;
pub mod import;
pub mod login;
pub mod not_found;
pub mod pool;
pub mod profile;
pub mod team_edit;
pub mod teams;
pub mod today;
pub mod user_edit;
pub mod users;

pub use api_keys::ApiKeysPage;
pub use contact::{ContactPage, NewContactPage};
pub use customers::CustomersPage;
pub use customers::form::{EditCustomerPage, NewCustomerPage};
pub use customers::view::CustomerPage;
pub use home::HomePage;
pub use import::ImportPage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use pool::PoolPage;
pub use profile::ProfilePage;
pub use team_edit::{NewTeamPage, TeamPage};
pub use teams::TeamsPage;
pub use today::TodayPage;
pub use user_edit::{NewUserPage, UserPage};
pub use users::UsersPage;
