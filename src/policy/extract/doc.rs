//! Text of a word-processing or presentation document: paragraphs become
//! lines, and tables (possibly nested) become rows for `table`, so a lab
//! result laid out as a table is judged under its column headers.

use super::TextOut;
use crate::policy::table::TableWriter;

struct Table {
    out: TextOut,
    writer: TableWriter,
    row: Vec<String>,
    cell: Option<String>,
    in_row: bool,
}

/// Builds the text of one document part.
pub struct Doc {
    pub out: TextOut,
    tables: Vec<Table>,
    cap: usize,
}

/// Deepest table nesting kept (deeper tables' text still counts).
const MAX_NESTING: usize = 16;

impl Doc {
    pub fn new(cap: usize) -> Self {
        Doc {
            out: TextOut::new(cap),
            tables: Vec::new(),
            cap,
        }
    }

    fn cell(&mut self) -> Option<&mut String> {
        self.tables.last_mut().and_then(|t| t.cell.as_mut())
    }

    pub fn text(&mut self, s: &str) {
        let cap = self.cap;
        match self.cell() {
            Some(c) if c.len() + s.len() <= cap => c.push_str(s),
            Some(_) => self.out.over = true,
            None => self.out.push(s),
        }
    }

    pub fn para_end(&mut self) {
        match self.cell() {
            Some(c) => {
                if !c.is_empty() && !c.ends_with(' ') {
                    c.push(' ');
                }
            }
            None => self.out.newline(),
        }
    }

    pub fn tab(&mut self) {
        match self.cell() {
            Some(c) => c.push(' '),
            None => self.out.push_char('\t'),
        }
    }

    pub fn line_break(&mut self) {
        match self.cell() {
            Some(c) => c.push(' '),
            None => self.out.newline(),
        }
    }

    pub fn table_open(&mut self) {
        if self.tables.len() < MAX_NESTING {
            self.tables.push(Table {
                out: TextOut::new(self.cap),
                writer: TableWriter::new(),
                row: Vec::new(),
                cell: None,
                in_row: false,
            });
        }
    }

    /// Start a row (closing one left open, as HTML allows).
    pub fn row_open(&mut self) {
        if self.tables.last().is_some_and(|t| t.in_row) {
            self.row_close();
        }
        if let Some(t) = self.tables.last_mut() {
            t.row.clear();
            t.in_row = true;
        }
    }

    /// Start a cell (closing one left open; opening a row if none is).
    pub fn cell_open(&mut self) {
        if self.tables.last().is_some_and(|t| t.cell.is_some()) {
            self.cell_close();
        }
        if self.tables.last().is_some_and(|t| !t.in_row) {
            self.row_open();
        }
        if let Some(t) = self.tables.last_mut() {
            t.cell = Some(String::new());
        }
    }

    pub fn cell_close(&mut self) {
        if let Some(t) = self.tables.last_mut()
            && let Some(c) = t.cell.take()
        {
            t.row.push(c);
        }
    }

    /// `repeat`: spreadsheet-style repeated cells (capped by the caller).
    pub fn cell_close_repeated(&mut self, repeat: usize) {
        if let Some(t) = self.tables.last_mut()
            && let Some(c) = t.cell.take()
        {
            for _ in 1..repeat {
                t.row.push(c.clone());
            }
            t.row.push(c);
        }
    }

    pub fn row_close(&mut self) {
        self.cell_close();
        if let Some(t) = self.tables.last_mut()
            && t.in_row
        {
            t.in_row = false;
            let row = std::mem::take(&mut t.row);
            t.writer.push(row, &mut t.out);
        }
    }

    pub fn table_close(&mut self) {
        self.row_close();
        let Some(mut t) = self.tables.pop() else {
            return;
        };
        t.writer.finish(&mut t.out);
        let over = t.out.over;
        let text = t.out.text;
        match self.cell() {
            Some(c) => {
                c.push(' ');
                c.push_str(&text);
            }
            None => {
                self.out.newline();
                self.out.push(&text);
            }
        }
        self.out.over |= over;
    }

    pub fn finish(mut self) -> TextOut {
        while !self.tables.is_empty() {
            self.table_close();
        }
        self.out
    }
}
