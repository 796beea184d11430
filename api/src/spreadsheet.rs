//! CSV as Excel and WPS open it without an import dialog: UTF-8 with a
//! byte-order mark and CRLF line ends. Every CSV export of the hub (the
//! gap, rewards, indicators) is written here.

/// A CSV document of a header and rows.
pub fn csv<R, F>(header: &[&str], rows: R) -> Result<Vec<u8>, csv::Error>
where
    R: IntoIterator<Item = F>,
    F: IntoIterator,
    F::Item: AsRef<[u8]>,
{
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        writer.write_record(header)?;
        for row in rows {
            writer.write_record(row)?;
        }
        writer.flush()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_bom_crlf_and_quoted_fields() {
        let body = super::csv(&["a", "b"], [["1", "x,y"]]).expect("csv");
        assert_eq!(body, "\u{feff}a,b\r\n1,\"x,y\"\r\n".as_bytes());
    }
}
