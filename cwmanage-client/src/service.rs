//! Boards, board statuses, priorities and time entries.

use crate::client::Client;
use crate::models::{
    Board, BoardId, BoardStatus, Priority, PriorityId, StatusId, TimeEntry, TimeEntryId,
};
use crate::resource::Resource;

/// `/service/boards`.
pub type Boards = Resource<Board, BoardId>;
/// `/service/boards/{id}/statuses`.
pub type BoardStatuses = Resource<BoardStatus, StatusId>;
/// `/service/priorities`.
pub type Priorities = Resource<Priority, PriorityId>;
/// `/time/entries`.
pub type TimeEntries = Resource<TimeEntry, TimeEntryId>;

impl Client {
    /// Service boards (`/service/boards`).
    pub fn boards(&self) -> Boards {
        Resource::new(self.clone(), "service/boards").named("board", "boards")
    }

    /// The statuses of a board (`/service/boards/{id}/statuses`).
    pub fn board_statuses(&self, board: impl Into<BoardId>) -> BoardStatuses {
        Resource::new(
            self.clone(),
            format!("service/boards/{}/statuses", board.into()),
        )
        .named("board_status", "board_statuses")
    }

    /// Ticket priorities (`/service/priorities`).
    pub fn priorities(&self) -> Priorities {
        Resource::new(self.clone(), "service/priorities").named("priority", "priorities")
    }

    /// Time entries (`/time/entries`).
    pub fn time_entries(&self) -> TimeEntries {
        Resource::new(self.clone(), "time/entries").named("time_entry", "time_entries")
    }
}
