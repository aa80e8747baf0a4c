//! Any message text through the bot's command parser (`/name@bot args`). Properties: never a
//! panic; a command is recognised exactly when the text starts with `/`; the name holds no
//! whitespace or `@`; the argument is trimmed and is a piece of the text.
#![no_main]
use dondoc::bot::parse_command;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let parsed = parse_command(text);
    assert_eq!(parsed.is_some(), text.starts_with('/'), "{text:?}");
    if let Some((name, args)) = parsed {
        assert!(
            !name.contains(char::is_whitespace) && !name.contains('@'),
            "{name:?}"
        );
        assert_eq!(args, args.trim());
        assert!(text.contains(name) && text.contains(args), "{text:?}");
        // The same command addressed to the bot in a group reads the same.
        let mut addressed = format!("/{name}@dondoc_bot");
        if !args.is_empty() {
            addressed.push(' ');
            addressed.push_str(args);
        }
        assert_eq!(parse_command(&addressed), Some((name, args)), "{text:?}");
    }
});
