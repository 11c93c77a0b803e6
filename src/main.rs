//! The `europass` command line: parses arguments, runs the library, prints.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use europass::export::{self, ExportContext};
use europass::import::{ReadOptions, encoding_for_label};
use europass::mapping::Mapping;
use europass::pipeline::{self, Options};
use europass::report::Report;

const EXAMPLES_INSPECT: &str = "Examples:
  europass inspect audzekni.xlsx
  europass inspect --format json fixtures/demo/round.xlsx
  europass inspect --mapping my-school.toml export.csv";

const EXAMPLES_VALIDATE: &str = "Examples:
  europass validate fixtures/demo
  europass validate --format json round.xlsx > report.json
  europass validate --encoding windows-1257 export.csv

Exit codes: 0 clean (warnings allowed), 1 some record has errors, 2 usage error or an unreadable input.";

const EXAMPLES_CONVERT: &str = "Examples:
  europass convert fixtures/demo --out out --to json
  europass convert round.xlsx units.xlsx --out out --to json --strict

Writes DIR/round.json (the canonical round) and DIR/report.json (every problem, located).
Exit codes: 0 clean, 1 some record has errors, 2 usage error or an unreadable input.";

const EXAMPLES_TEMPLATE: &str = "Examples:
  europass template xlsx new-round.xlsx
  europass template xlsx --lang lv jauna-mobilitate.xlsx";

#[derive(Parser)]
#[command(
    name = "europass",
    version,
    about = "Turn vocational schools' spreadsheets into Europass documents",
    long_about = "Reads the workbooks schools keep about ECVET mobilities (xlsx, xlsm, xls, ods, csv), \
recognises their headers through mapping files, builds one canonical round of learners, units, \
mobilities and assessment results, reports every problem with its cell, and writes outputs.",
    after_help = "Start with `europass inspect FILE` to see how a file is understood."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show how files are understood: sheets, header rows, the mapping chosen and each column's field
    #[command(after_help = EXAMPLES_INSPECT)]
    Inspect {
        /// Files or folders to inspect
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        #[command(flatten)]
        read: ReadArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Import and check files; list every problem with its cell
    #[command(after_help = EXAMPLES_VALIDATE)]
    Validate {
        /// Files or folders to validate
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        #[command(flatten)]
        read: ReadArgs,
        #[command(flatten)]
        output: OutputArgs,
        /// Treat warnings as errors
        #[arg(long)]
        strict: bool,
    },
    /// Convert files into outputs in a folder
    #[command(after_help = EXAMPLES_CONVERT)]
    Convert {
        /// Files or folders to convert (all are joined into one round)
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Output folder
        #[arg(long, short)]
        out: PathBuf,
        /// Output formats, comma-separated
        #[arg(long, value_delimiter = ',', default_value = "json", value_parser = exporter_name)]
        to: Vec<String>,
        #[command(flatten)]
        read: ReadArgs,
        #[command(flatten)]
        output: OutputArgs,
        /// Treat warnings as errors
        #[arg(long)]
        strict: bool,
    },
    /// Write blank templates a school can start from
    #[command(subcommand, after_help = EXAMPLES_TEMPLATE)]
    Template(TemplateCommand),
    /// List the shipped mapping files and the canonical fields
    Mappings {
        /// Print the fields too
        #[arg(long)]
        fields: bool,
    },
    /// Print the JSON Schema of round.json
    Schema,
}

#[derive(Subcommand)]
enum TemplateCommand {
    /// A blank import workbook in the canonical layout, with drop-down lists and instructions
    #[command(after_help = EXAMPLES_TEMPLATE)]
    Xlsx {
        /// Where to write the workbook
        out: PathBuf,
        /// Language of headers and instructions
        #[arg(long, default_value = "en", value_parser = ["en", "lv"])]
        lang: String,
    },
}

#[derive(Args)]
struct ReadArgs {
    /// A mapping file of your own, used instead of the shipped ones
    #[arg(long, value_name = "FILE")]
    mapping: Option<PathBuf>,
    /// Text encoding of CSV files (utf-8, windows-1257, windows-1252); detected when not given
    #[arg(long, value_name = "NAME")]
    encoding: Option<String>,
    /// CSV delimiter (`;`, `,`, `tab`); detected when not given
    #[arg(long, value_name = "CHAR")]
    delimiter: Option<String>,
}

#[derive(Args)]
struct OutputArgs {
    /// How to print the report
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Also show notes (choices the tool made, skipped blank rows)
    #[arg(long, short)]
    verbose: bool,
    /// Print nothing but errors
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Readable text
    Human,
    /// The report as JSON
    Json,
}

fn exporter_name(s: &str) -> Result<String, String> {
    let s = s.trim().to_ascii_lowercase();
    if export::exporter(&s).is_some() {
        Ok(s)
    } else {
        Err(format!(
            "unknown format `{s}`; known: {}",
            export::names().join(", ")
        ))
    }
}

// mimalloc: rows are read on worker threads and joined on one, and glibc's
// allocator spends more time on those cross-thread frees than on the work.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit code for usage errors and unreadable input.
const USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(USAGE)
        }
    }
}

fn options(read: &ReadArgs) -> Result<Options, String> {
    let mapping = match &read.mapping {
        Some(path) => Some(Mapping::load(path).map_err(|e| e.to_string())?),
        None => None,
    };
    let encoding = match &read.encoding {
        Some(label) => Some(encoding_for_label(label).ok_or_else(|| {
            format!("unknown encoding `{label}`; use utf-8, windows-1257 or windows-1252")
        })?),
        None => None,
    };
    let delimiter = match read.delimiter.as_deref() {
        None => None,
        Some("tab" | "\\t") => Some(b'\t'),
        Some(d) if d.len() == 1 => Some(d.as_bytes()[0]),
        Some(d) => {
            return Err(format!(
                "the delimiter must be one character or `tab`, not `{d}`"
            ));
        }
    };
    Ok(Options {
        read: ReadOptions {
            encoding,
            delimiter,
        },
        mapping,
    })
}

fn run(cli: Cli) -> Result<u8, String> {
    match cli.command {
        Command::Inspect {
            inputs,
            read,
            output,
        } => {
            let loaded = pipeline::load(&inputs, &options(&read)?);
            match output.format {
                Format::Json => print!("{}", loaded.report.to_json()),
                Format::Human => print!("{}", loaded.report.to_inspect_human(output.verbose)),
            }
            Ok(if loaded.report.summary.unreadable_files > 0 {
                USAGE
            } else {
                0
            })
        }
        Command::Validate {
            inputs,
            read,
            output,
            strict,
        } => {
            let mut loaded = pipeline::load(&inputs, &options(&read)?);
            if strict {
                loaded.report.make_strict();
            }
            print_report(&loaded.report, &output);
            let code = loaded.report.exit_code() as u8;
            exit_without_freeing(loaded);
            Ok(code)
        }
        Command::Convert {
            inputs,
            out,
            to,
            read,
            output,
            strict,
        } => {
            let mut loaded = pipeline::load(&inputs, &options(&read)?);
            let context = ExportContext::default();
            let mut files = Vec::new();
            for name in &to {
                let exporter = export::exporter(name).expect("checked by clap");
                loaded.report.extend(europass::check::check_requirements(
                    &loaded.round,
                    &loaded.sources,
                    name,
                    exporter.requirements(),
                ));
                loaded
                    .report
                    .extend(exporter.check(&loaded.round, &loaded.sources, &context));
                files.extend(
                    exporter
                        .export(&loaded.round, &context)
                        .map_err(|e| e.to_string())?,
                );
            }
            if strict {
                loaded.report.make_strict();
            }
            let written = export::write_outputs(&out, &files).map_err(|e| e.to_string())?;
            loaded.report.outputs = written;
            loaded
                .report
                .outputs
                .push(out.join("report.json").display().to_string());
            let report_file = export::OutputFile {
                path: "report.json".into(),
                bytes: loaded.report.to_json().into_bytes(),
            };
            export::write_outputs(&out, &[report_file]).map_err(|e| e.to_string())?;
            print_report(&loaded.report, &output);
            let code = loaded.report.exit_code() as u8;
            exit_without_freeing(loaded);
            Ok(code)
        }
        Command::Template(TemplateCommand::Xlsx { out, lang }) => {
            let bytes = export::template_workbook(&lang).map_err(|e| e.to_string())?;
            std::fs::write(&out, bytes)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            eprintln!("wrote {}", out.display());
            Ok(0)
        }
        Command::Mappings { fields } => {
            print!("{}", europass::report::describe_mappings(fields));
            Ok(0)
        }
        Command::Schema => {
            let schema = schemars::schema_for!(europass::model::Round);
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).expect("schema serialises")
            );
            Ok(0)
        }
    }
}

/// A round of 100,000 rows is a million small allocations; the process is
/// about to end, and the operating system takes the memory back at once.
fn exit_without_freeing<T>(value: T) {
    std::mem::forget(value);
}

fn print_report(report: &Report, output: &OutputArgs) {
    match output.format {
        Format::Json => print!("{}", report.to_json()),
        Format::Human if output.quiet => {
            for d in report
                .diagnostics
                .iter()
                .filter(|d| d.severity == europass::Severity::Error)
            {
                eprintln!("{d}");
            }
        }
        Format::Human => eprint!("{}", report.to_human(output.verbose)),
    }
}
