//! Pages whose code is downloaded when one of them is first opened, so that the first visit
//! fetches only the shell, sign-in and the home page. `frontend/build.sh` cuts the wasm at each
//! function below into its own file (code several pages share goes into files of its own, loaded
//! with whichever needs it first).
//!
//! Each function is a split point: the `wasm_split` attribute turns it into an `async` function that
//! fetches its file, then calls the code. The attribute writes the import/export pair that links the
//! two wasm files, which is why this module, and only it, allows `unsafe`.
#![allow(unsafe_code)]

use leptos::prelude::*;
use leptos::wasm_split::{SplitLoaderError, wasm_split};
use send_wrapper::SendWrapper;
use std::future::Future;
use uuid::Uuid;

use crate::components::states::{LoadFailed, Loading};
use crate::i18n::Key;
use crate::pages::{
    ApiKeysPage, ApprovalsPage, ComplaintPage, ComplaintsPage, ContactPage, CustomerPage, CustomersPage,
    EditCustomerPage, ImportPage, LeadPage, NewComplaintPage, NewContactPage, NewCustomerPage, NewLeadPage,
    NewProductPage, NewQuotePage, NewTeamPage, NewUserPage, PipelinePage, PoolPage, ProductPage, ProductsPage,
    ProfilePage, PurchasePage, QuotePage, TeamPage, TeamsPage, TodayPage, UserPage, UsersPage,
};

/// A page's code could not be fetched: offline, or the app was updated since this tab loaded it.
pub struct PageCodeFailed;

impl From<SplitLoaderError> for PageCodeFailed {
    fn from(_: SplitLoaderError) -> Self {
        PageCodeFailed
    }
}

/// Declares one split point per page: `section: name(args) => view`. The pages of a section are
/// cut into one file, fetched when the first of them is opened: fewer, larger downloads than one
/// per page, since pages of a section share most of their code.
macro_rules! lazy_pages {
    ($( $section:ident : $name:ident ( $($arg:ident : $ty:ty),* ) => $view:expr ; )*) => {
        $(
            #[wasm_split($section, wasm_split_path = ::leptos::wasm_split, fallible)]
            pub fn $name($($arg: $ty),*) -> Result<AnyView, PageCodeFailed> {
                Ok($view.into_any())
            }
        )*
    };
}

lazy_pages! {
    account: profile_page() => view! { <ProfilePage /> };
    account: api_keys_page() => view! { <ApiKeysPage /> };
    admin: users_page() => view! { <UsersPage /> };
    admin: new_user_page() => view! { <NewUserPage /> };
    admin: user_page(id: Uuid) => view! { <UserPage id=id /> };
    admin: teams_page() => view! { <TeamsPage /> };
    admin: new_team_page() => view! { <NewTeamPage /> };
    admin: team_page(id: Uuid) => view! { <TeamPage id=id /> };
    customers: today_page() => view! { <TodayPage /> };
    customers: customers_page() => view! { <CustomersPage /> };
    customers: new_customer_page() => view! { <NewCustomerPage /> };
    customers: customer_page(id: Uuid) => view! { <CustomerPage id=id /> };
    customers: edit_customer_page(id: Uuid) => view! { <EditCustomerPage id=id /> };
    customers: pool_page() => view! { <PoolPage /> };
    customers: contact_page(id: Uuid) => view! { <ContactPage id=id /> };
    customers: new_contact_page(customer: Uuid) => view! { <NewContactPage customer=customer /> };
    import: import_page() => view! { <ImportPage /> };
    sales: pipeline_page() => view! { <PipelinePage /> };
    sales: new_lead_page(customer: Option<Uuid>) => view! { <NewLeadPage customer=customer /> };
    sales: lead_page(id: Uuid) => view! { <LeadPage id=id /> };
    sales: products_page() => view! { <ProductsPage /> };
    sales: new_product_page() => view! { <NewProductPage /> };
    sales: product_page(id: Uuid) => view! { <ProductPage id=id /> };
    sales: new_quote_page(customer: Uuid, lead: Option<Uuid>) => view! { <NewQuotePage customer=customer lead=lead /> };
    sales: quote_page(id: Uuid) => view! { <QuotePage id=id /> };
    sales: approvals_page() => view! { <ApprovalsPage /> };
    sales: purchase_page(id: Uuid) => view! { <PurchasePage id=id /> };
    service: complaints_page() => view! { <ComplaintsPage /> };
    service: new_complaint_page(customer: Option<Uuid>) => view! { <NewComplaintPage customer=customer /> };
    service: complaint_page(id: Uuid) => view! { <ComplaintPage id=id /> };
}

/// Shows the page `load` brings: a spinner while its code arrives (the first time only; then it
/// is in memory), or an error with Try again when it cannot be fetched.
pub fn page<F, Fut>(load: F) -> AnyView
where
    F: Fn() -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<AnyView, PageCodeFailed>> + 'static,
{
    let attempt = RwSignal::new(0_u32);
    let retry = Callback::new(move |()| attempt.update(|n| *n += 1));
    view! {
        <Suspense fallback=|| view! { <Loading testid="page-loading" /> }>
            {move || {
                attempt.track();
                // The future of a split point is not `Send`; the app is single-threaded.
                Suspend::new(
                    SendWrapper::new(async move {
                        match load().await {
                            Ok(view) => view,
                            Err(PageCodeFailed) => {
                                view! { <LoadFailed error=Key::PageCodeFailed retry=retry testid="page-failed" /> }
                                    .into_any()
                            }
                        }
                    }),
                )
            }}
        </Suspense>
    }
    .into_any()
}
