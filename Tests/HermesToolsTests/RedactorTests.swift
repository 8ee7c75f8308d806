import Foundation
import Testing

@testable import HermesTools

/// The secret redactor against the Python project's own output (agent/redact.py of
/// hermes-agent 0.19.0, run on each input): the inputs of its redaction tests, and more of each
/// family of secret.
@Suite("secret redaction")
struct RedactorTests {
    /// One input and what 0.19.0 made of it.
    struct PythonCase: Decodable, Sendable, CustomTestStringConvertible {
        var text: String
        var source: String
        var expected: String
        var command: String?
        var testDescription: String { "\(source): \(text.prefix(60).debugDescription)" }
    }

    static let pythonCases: [PythonCase] = {
        guard let url = Bundle.module.url(forResource: "python-redaction", withExtension: "json", subdirectory: "Fixtures"),
            let data = try? Data(contentsOf: url), let cases = try? JSONDecoder().decode([PythonCase].self, from: data)
        else { return [] }
        return cases
    }()

    @Test("the same masking as the Python project", arguments: pythonCases)
    func sameAsPython(_ case: PythonCase) {
        let redactor = Redactor()
        let result =
            switch `case`.source {
            case "code": redactor.redact(`case`.text, as: .code)
            case "file": redactor.redact(`case`.text, as: .file)
            case "terminal": redactor.redactOutput(`case`.text, of: `case`.command ?? "")
            default: redactor.redact(`case`.text)
            }
        #expect(result == `case`.expected)
    }

    @Test("the Python cases are all there, and HERMES_REDACT_SECRETS=false turns masking off")
    func loadedAndSwitch() {
        #expect(Self.pythonCases.count >= 150)
        let off = Redactor.forEnvironment(["HERMES_REDACT_SECRETS": "false"])
        #expect(off.redact("OPENAI_API_KEY=sk-proj-0123456789abcdefghij") == "OPENAI_API_KEY=sk-proj-0123456789abcdefghij")
        #expect(Redactor.forEnvironment([:]).enabled)
    }
}
