//! Inline SVG icons in the style of a single stroke set, so they take the text colour and need no
//! extra request. Each icon is one path, so every icon shares one compiled view.

use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    Home,
    SignOut,
    Globe,
    Alert,
    Check,
    Users,
    Teams,
    Profile,
    Search,
    Plus,
    Lock,
    Chevron,
    Back,
    Key,
    Copy,
    Phone,
    Mail,
    Building,
    Calendar,
    Note,
    Pin,
    Task,
    Inbox,
    Edit,
    Clock,
    Admin,
    Close,
    Upload,
    Download,
    Pipeline,
    /// A speech bubble with a warning: a complaint.
    Complaint,
}

impl Icon {
    /// The drawing on a 24-unit grid; circles are written as two arcs.
    fn path(self) -> &'static str {
        match self {
            Icon::Home => "M3 10.5 12 3l9 7.5M5 9v11h5v-6h4v6h5V9",
            Icon::SignOut => "M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3M10 17l-5-5 5-5M5 12h11",
            Icon::Globe => "M3 12a9 9 0 1 0 18 0a9 9 0 1 0-18 0M3 12h18M12 3a14 14 0 0 1 0 18a14 14 0 0 1 0-18z",
            Icon::Alert => "M3 12a9 9 0 1 0 18 0a9 9 0 1 0-18 0M12 7.5v5M12 16.2v.1",
            Icon::Check => "M3 12a9 9 0 1 0 18 0a9 9 0 1 0-18 0M8 12.5l2.8 2.8L16.5 9.5",
            Icon::Users => {
                "M5.5 8a3.5 3.5 0 1 0 7 0a3.5 3.5 0 1 0-7 0M2.5 20a6.5 6.5 0 0 1 13 0M16 4.6a3.5 3.5 0 0 1 0 6.8\
                 M18 14.2a6.5 6.5 0 0 1 3.5 5.8"
            }
            Icon::Teams => "M9 3h6v5H9zM3 16h6v5H3zM15 16h6v5h-6zM12 8v4M6 16v-4h12v4",
            Icon::Profile => "M8 8a4 4 0 1 0 8 0a4 4 0 1 0-8 0M4 21a8 8 0 0 1 16 0",
            Icon::Search => "M4.5 11a6.5 6.5 0 1 0 13 0a6.5 6.5 0 1 0-13 0M20 20l-4.2-4.2",
            Icon::Plus => "M12 5v14M5 12h14",
            Icon::Lock => {
                "M6.5 10.5h11a2 2 0 0 1 2 2v6a2 2 0 0 1-2 2h-11a2 2 0 0 1-2-2v-6a2 2 0 0 1 2-2z\
                 M8 10.5V7.5a4 4 0 0 1 8 0v3"
            }
            Icon::Chevron => "M9 6l6 6-6 6",
            Icon::Back => "M15 6l-6 6 6 6",
            Icon::Key => "M3.5 15.5a4.5 4.5 0 1 0 9 0a4.5 4.5 0 1 0-9 0M11.2 12.3 20 3.5M16.5 7l3 3M14 9.5l2.5 2.5",
            Icon::Phone => {
                "M5 4h3.5l2 5-2.5 1.5a11 11 0 0 0 5.5 5.5l1.5-2.5 5 2V19a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2z"
            }
            Icon::Mail => "M3 7a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2zM3.5 7l8.5 6 8.5-6",
            Icon::Building => {
                "M4 21V5a2 2 0 0 1 2-2h8a2 2 0 0 1 2 2v16M16 9h2a2 2 0 0 1 2 2v10M2 21h20M8 7h4M8 11h4M8 15h4"
            }
            Icon::Calendar => {
                "M4 7a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2zM4 10h16M8 3v4M16 3v4"
            }
            Icon::Note => "M14 3H6a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9zM14 3v6h6M8 13h8M8 17h5",
            Icon::Pin => {
                "M12 21s-7-6.2-7-11.5a7 7 0 0 1 14 0C19 14.8 12 21 12 21zM9.5 9.5a2.5 2.5 0 1 0 5 0a2.5 2.5 0 1 0-5 0"
            }
            Icon::Task => "M4 6a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2zM8.5 12l2.5 2.5 4.5-5",
            Icon::Inbox => "M3 13h5l1.5 3h5l1.5-3h5M5.5 5h13L21 13v5a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-5z",
            Icon::Edit => "M4 20h4L19 9a2.8 2.8 0 0 0-4-4L4 16zM13.5 6.5l4 4",
            Icon::Clock => "M3 12a9 9 0 1 0 18 0a9 9 0 1 0-18 0M12 7v5l3 2",
            Icon::Admin => "M12 3l7 3v5c0 4.5-3 8.2-7 10-4-1.8-7-5.5-7-10V6zM9 12l2 2 4-4",
            Icon::Close => "M6 6l12 12M18 6 6 18",
            Icon::Upload => "M4 16v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-2M12 15V4M7.5 8.5 12 4l4.5 4.5",
            Icon::Pipeline => {
                "M4 5a1 1 0 0 1 1-1h3a1 1 0 0 1 1 1v14a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1zM10.5 5a1 1 0 0 1 1-1h3a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1h-3a1 1 0 0 1-1-1zM17 5a1 1 0 0 1 1-1h1a1 1 0 0 1 1 1v5a1 1 0 0 1-1 1h-1a1 1 0 0 1-1-1z"
            }
            Icon::Complaint => {
                "M4 4.5h16a1 1 0 0 1 1 1v10.5a1 1 0 0 1-1 1h-8l-5 3.5V17H4a1 1 0 0 1-1-1V5.5a1 1 0 0 1 1-1zM12 8v4M12 14.6v.1"
            }
            Icon::Download => "M4 16v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-2M12 4v11M7.5 10.5 12 15l4.5-4.5",
            Icon::Copy => {
                "M9 9h9a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H9a2 2 0 0 1-2-2v-9a2 2 0 0 1 2-2z\
                 M4 15V5a2 2 0 0 1 2-2h10"
            }
        }
    }
}

pub fn icon(icon: Icon) -> impl IntoView {
    view! {
        <svg
            class="icon"
            viewBox="0 0 24 24"
            width="20"
            height="20"
            fill="none"
            stroke="currentColor"
            stroke-width="1.8"
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden="true"
        >
            <path d=icon.path() />
        </svg>
    }
}

/// The brand mark: the first character of 客户 in a rounded square.
pub fn logo() -> impl IntoView {
    view! { <span class="logo" aria-hidden="true">"客"</span> }
}
