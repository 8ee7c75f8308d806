import Foundation
import HermesCore
import Testing

@Suite struct JSONQuotingTests {
    @Test func escapesWhatJSONRequiresAndNothingElse() {
        #expect(jsonQuoted("") == #""""#)
        #expect(jsonQuoted("plain text, é and 🚀") == #""plain text, é and 🚀""#)
        #expect(jsonQuoted("say \"hi\"\\now") == #""say \"hi\"\\now""#)
        #expect(jsonQuoted("a\nb\rc\td\u{01}e\u{1F}") == #""a\nb\rc\td\u0001e\u001f""#)
    }

    @Test(arguments: ["", "ascii", "quote \" and \\ back", "控制\u{0}\u{7}字符 🚀\n", String(repeating: "日本語 ", count: 200)])
    func decodesBackToTheSameText(_ text: String) throws {
        let decoded = try JSONDecoder().decode(String.self, from: Data(jsonQuoted(text).utf8))
        #expect(decoded == text)
    }
}
