// Package blob keeps the files digigov handles — materials citizens upload
// with a case, and the PDFs and OFDs it generates — outside the database.
//
// The database holds a file's metadata (who uploaded it, for which case, under
// what name) and the blob's SHA-256; the bytes live in a Store. A blob is
// content-addressed: its identity is the hex SHA-256 of its bytes, so the same
// file uploaded twice is stored once, a blob never changes after it is
// written, and anyone holding a hash can check the bytes they get back.
//
// Dir, the default Store, is a directory (config's BlobDir) laid out as
//
//	root/ab/cd/abcdef0123…   the blob whose hash starts with "abcd"
//	root/tmp/                files being written
//
// The two levels of fan-out keep any one directory small. Put streams the
// upload into a temporary file under root/tmp, hashing it as it goes, syncs
// it to disk and only then renames it to its final name, so a crash never
// leaves a half-written file under a hash it does not match. An S3-compatible
// store can implement the same interface when a node outgrows one disk.
//
// Put never trusts the client's idea of what a file is. It sniffs the first
// bytes (net/http.DetectContentType plus a check for OFD, the Chinese
// fixed-layout document format) and refuses types outside the caller's
// allowed list — Documents for case materials. A sniffed type is a label, not
// a validation: a file that starts like a PDF may be anything after that, so
// the web layer serves blobs with X-Content-Type-Options: nosniff and the
// stored type, and never renders them inline as HTML. Put also stops at the
// caller's size limit without reading more than limit+1 bytes, and leaves
// nothing behind when it refuses a file.
//
// Deleting is the caller's business: several records may share one blob, so
// delete a blob only when no row refers to it any more, in the same
// transaction that removes the last reference or in a later sweep. A Put of
// the same bytes racing with that Delete can lose its file; a sweep that
// deletes only blobs unreferenced for some time avoids it.
package blob
