import Foundation

/// Unbuffered writes to the terminal: streamed text must appear as it arrives.
enum Terminal {
    /// Writes to standard output.
    static func out(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }
    /// Writes to standard error.
    static func error(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
