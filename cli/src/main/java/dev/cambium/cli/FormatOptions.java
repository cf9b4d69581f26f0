package dev.cambium.cli;

import picocli.CommandLine.Option;

/**
 * {@code --format}, {@code --key-format} and {@code --value-format}: how keys and values are shown and read.
 */
final class FormatOptions
{
    @Option(names = {"-F",
        "--format"}, paramLabel = "FORMAT", defaultValue = "text", description = "How keys and values are shown and read: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})."
            + " text: printable ASCII, \\\\ for a backslash, \\xx (two hex digits) for any other byte;"
            + " hex: two hex digits per byte; tuple: a decoded tuple such as (\"person\", 42, 7i, 0x00ff).")
    ByteFormat format;

    @Option(names = "--key-format", paramLabel = "FORMAT", description = "Format of keys, overriding --format.")
    ByteFormat keyFormat;

    @Option(names = "--value-format", paramLabel = "FORMAT", description = "Format of values, overriding --format.")
    ByteFormat valueFormat;

    ByteFormat keys()
    {
        return keyFormat != null ? keyFormat : format;
    }

    ByteFormat values()
    {
        return valueFormat != null ? valueFormat : format;
    }
}
