/// An error raised by HermesCore (today: JSON text that does not parse).
///
/// Every module of the runtime has one error struct like this: a stable `code` that is safe to
/// use as a metric label, a human `message` with the details, the underlying `cause`, and where
/// it was made.
public struct HermesCoreError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// A JSON text could not be parsed.
        case invalidJSON
    }

    /// What kind of failure this is.
    public let code: Code
    /// What went wrong, for a person.
    public let message: String
    /// Where it was made.
    public let file: String
    /// Where it was made.
    public let line: Int

    /// Makes an error; `file` and `line` default to the call site.
    public init(_ code: Code, _ message: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String { message }
}
