//! The `europass` command line: parses arguments, runs the library, prints.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use clap::{Args, Parser, Subcommand, ValueEnum};

use europass::export::word::{Kind, Template};
use europass::export::{self, ExportContext, WriteOptions};
use europass::import::{ReadOptions, encoding_for_label};
use europass::mapping::Mapping;
use europass::pipeline::{self, ConvertOptions, Options, Progress};
use europass::profile::Profile;
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
  europass convert fixtures/demo --out out --to json,xlsx,xml,jsonld,docx,pdf
  europass convert round.xlsx units.docx grid-*.docx --out out --to xml,jsonld --strict
  europass convert schools/ --out normalised --to xlsx --jobs 2
  europass convert fixtures/demo --out out --to docx --lang lv,en
  europass convert fixtures/demo --out out --to docx --template our-agreement.docx
  europass convert fixtures/demo --out out --to pdf --lang lv,en --bundle
  europass convert fixtures/demo --out out --to pdf --dry-run
  europass convert out/ozola-anna/transcript.pdf --out back --to json

Writes each --to format below DIR, DIR/report.json (every problem, located, and
every file written) and DIR/feedback.xlsx (each input row with its status and
problems). Files are written safely and only when changed; a file edited by
hand is kept unless --force.
Exit codes: 0 clean, 1 some record has errors, 2 usage error or an unreadable input.";

const EXAMPLES_TEMPLATE: &str = "Examples:
  europass template xlsx new-round.xlsx
  europass template xlsx --lang lv jauna-mobilitate.xlsx
  europass template docx --kind learning-agreement --lang lv,en our-agreement.docx
  europass template check our-agreement.docx";

const EXAMPLES_SERVE: &str = "Examples:
  europass serve                                   # http://127.0.0.1:8080/ on this computer only
  europass serve --bind 0.0.0.0:8080 --token-file /etc/europass/token --data-dir /var/lib/europass
  EUROPASS_TOKEN=... europass serve --bind 0.0.0.0:8080 --jobs 2 --max-upload-mb 500

--jobs N is how many jobs run at once (default 1); each uses every core.
Stop with Ctrl+C (or SIGTERM): every job and its files are deleted.";

#[derive(Parser)]
#[command(
    name = "europass",
    version,
    about = "Turn vocational schools' spreadsheets into Europass documents",
    long_about = "Reads the workbooks schools keep about ECVET mobilities (xlsx, xlsm, xls, ods, csv) \
and their Word unit descriptions and assessment grids (docx), recognises their headers and labels \
through mapping files, builds one canonical round of learners, units, \
mobilities and assessment results, reports every problem with its cell, and writes outputs.",
    after_help = "Start with `europass inspect FILE` to see how a file is understood."
)]
struct Cli {
    /// Threads to use (default: one per core)
    #[arg(long, short = 'j', global = true, value_name = "N")]
    jobs: Option<usize>,
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
        /// Also check what these output formats need, as convert --to would
        /// (comma-separated; default: every output format)
        #[arg(long, value_delimiter = ',', value_parser = exporter_name)]
        to: Vec<String>,
        /// Languages of the documents, as convert's --lang
        #[arg(long, value_delimiter = ',', value_name = "LANGS")]
        lang: Vec<String>,
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
        /// Overwrite output files that were edited by hand since europass wrote them
        #[arg(long)]
        force: bool,
        /// Do everything but write: report what would be written
        #[arg(long)]
        dry_run: bool,
        /// Remove the files an earlier run wrote into DIR that this run does
        /// not (a learner no longer in the round); only files europass wrote,
        /// unchanged since
        #[arg(long)]
        prune: bool,
        /// Languages of the documents, in order (`lv,en` writes bilingual agreements)
        /// (default: English for agreements; the round's own language for xlsx)
        #[arg(long, value_delimiter = ',', value_name = "LANGS")]
        lang: Vec<String>,
        /// A Word template of your own for the agreements (docx): FILE, or
        /// learning-agreement=FILE / memorandum=FILE; may be repeated
        #[arg(long, value_name = "[KIND=]FILE", value_parser = template_file)]
        template: Vec<europass::export::TemplateFile>,
        /// What a template placeholder without a value prints; {name} is its name
        #[arg(long, value_name = "TEXT", default_value = europass::export::word::template::DEFAULT_MARKER)]
        missing_marker: String,
        /// Also write every learner's transcript into one PDF for printing (pdf: DIR/transcripts.pdf)
        #[arg(long)]
        bundle: bool,
    },
    /// Write the school profile (europass.toml): what the school states about itself once
    #[command(
        after_help = "Example:\n  europass init mobility-2025 --school \"Rīgas Valsts tehnikums\" --country LV"
    )]
    Init {
        /// The folder to write europass.toml in (default: the current folder)
        dir: Option<PathBuf>,
        /// The school's name
        #[arg(long, value_name = "NAME")]
        school: Option<String>,
        /// The school's country, a two-letter code (LV)
        #[arg(long, value_name = "CC")]
        country: Option<String>,
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
    /// Serve the web page and HTTP API: upload files, see every problem, download the documents
    #[command(after_help = EXAMPLES_SERVE)]
    Serve(ServeArgs),
    /// Print a shell completion script (e.g. `europass completions bash > /etc/bash_completion.d/europass`)
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
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
    /// A starter Word template of an agreement, with every section and its placeholders, to restyle in Word
    #[command(after_help = EXAMPLES_TEMPLATE)]
    Docx {
        /// Which document: learning-agreement or memorandum
        #[arg(long, value_parser = ["learning-agreement", "memorandum"])]
        kind: String,
        /// Languages of the labels, in order (`lv,en` for bilingual labels)
        /// (default: English for agreements; the round's own language for xlsx)
        #[arg(long, value_delimiter = ',', value_name = "LANGS")]
        lang: Vec<String>,
        /// Where to write the .docx
        out: PathBuf,
    },
    /// List every placeholder of a Word template and report unknown names and unbalanced blocks
    #[command(
        after_help = "Exit codes: 0 no errors (warnings allowed), 1 errors in the template, 2 the file cannot be read."
    )]
    Check {
        /// The template (.docx or .dotx)
        file: PathBuf,
        /// Check against this document (judged from the placeholders when not given)
        #[arg(long, value_parser = ["learning-agreement", "memorandum"])]
        kind: Option<String>,
        /// Print only the problems
        #[arg(long, short)]
        quiet: bool,
        /// Change a limit, NAME=VALUE: `depth` (deepest nesting of
        /// conditions and loops), `part-mb` (largest filled part)
        #[arg(long = "limit", value_name = "NAME=VALUE")]
        limits: Vec<String>,
    },
    /// Print the placeholder reference (docs/placeholders.md)
    Placeholders,
}

#[derive(Args)]
struct ReadArgs {
    /// The school profile to use (default: the europass.toml nearest the inputs)
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
    /// A mapping file of your own, used instead of the shipped ones
    #[arg(long, value_name = "FILE")]
    mapping: Option<PathBuf>,
    /// Text encoding of CSV files (utf-8, windows-1257, windows-1252); detected when not given
    #[arg(long, value_name = "NAME")]
    encoding: Option<String>,
    /// CSV delimiter (`;`, `,`, `tab`); detected when not given
    #[arg(long, value_name = "CHAR")]
    delimiter: Option<String>,
    /// Raise or lower a limit on what one file may make europass do, e.g.
    /// `--limit unpacked-mb=4096` (file-mb, unpacked-mb, part-mb, zip-entries, cells, cell-chars, depth)
    #[arg(long = "limit", value_name = "NAME=VALUE")]
    limits: Vec<String>,
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on; any but loopback needs an access token
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    bind: String,
    /// A school profile (europass.toml) for the jobs that bring none
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
    /// Folder of the jobs' files (default: a temporary folder)
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// File holding the access token (else the EUROPASS_TOKEN environment variable)
    #[arg(long, value_name = "FILE")]
    token_file: Option<PathBuf>,
    /// Largest upload, in MB
    #[arg(long, default_value_t = 200, value_name = "MB")]
    max_upload_mb: u64,
    /// Minutes a finished job's files are kept
    #[arg(long, default_value_t = 60.0, value_name = "MINUTES")]
    keep_minutes: f64,
    /// Jobs that may wait while others run; more are answered 503
    #[arg(long, default_value_t = 8, value_name = "N")]
    queue: usize,
    /// A limit on what one input file may make europass do, as for convert
    #[arg(long = "limit", value_name = "NAME=VALUE")]
    limits: Vec<String>,
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

fn template_file(s: &str) -> Result<europass::export::TemplateFile, String> {
    europass::export::TemplateFile::parse(s)
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

/// Turns transparent huge pages off for this process. mimalloc asks for
/// them on its arenas, and where the kernel's THP defrag setting is
/// `madvise` (the Linux default) each first touch of a 2 MB page may compact
/// memory synchronously. A run allocates a few hundred MB once and exits, so
/// it pays that stall on every page and never gains from fewer TLB misses.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory
    // of ours; on a kernel without it the call fails and nothing changes.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Exit code for usage errors and unreadable input.
const USAGE: u8 = 2;

fn main() -> ExitCode {
    no_huge_pages();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(USAGE)
        }
    }
}

fn options(read: &ReadArgs, output: &OutputArgs, inputs: &[PathBuf]) -> Result<Options, String> {
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
    let mut limits = europass::import::Limits::default();
    for l in &read.limits {
        limits.set(l)?;
    }
    // A progress bar only for a person watching a terminal.
    let show = !output.quiet && output.format == Format::Human && std::io::stderr().is_terminal();
    let progress = show.then(|| Arc::new(Bar::new(output.verbose)) as Arc<dyn Progress>);
    Ok(Options {
        read: ReadOptions {
            limits,
            encoding,
            delimiter,
        },
        mapping,
        progress,
        root: None,
        profile: profile(read, inputs)?,
        output: None,
    })
}

/// The languages of `--lang`, in order.
fn languages(lang: &[String]) -> Vec<String> {
    lang.iter()
        .map(|l| l.trim().to_ascii_lowercase())
        .filter(|l| !l.is_empty())
        .collect()
}

/// The school profile given with `--profile`, else the one nearest the inputs.
fn profile(read: &ReadArgs, inputs: &[PathBuf]) -> Result<Option<Profile>, String> {
    let here =
        std::env::current_dir().map_err(|e| format!("cannot tell the current folder: {e}"))?;
    pipeline::school_profile(read.profile.as_deref(), inputs, &here).map_err(|e| e.to_string())
}

fn run(cli: Cli) -> Result<u8, String> {
    if let Command::Serve(args) = cli.command {
        return serve(args, cli.jobs);
    }
    if let Some(asked) = cli.jobs {
        // More threads than a few per core only add switching: `--jobs 10000`
        // turned 0.7 s into a time-out.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let n = asked.clamp(1, cores * 4);
        if n != asked {
            eprintln!("note: --jobs {asked} is more than 4 per core; using {n}");
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .map_err(|e| format!("cannot start {n} threads: {e}"))?;
    }
    match cli.command {
        Command::Inspect {
            inputs,
            read,
            output,
        } => inspect(&inputs, &read, &output),
        Command::Validate {
            inputs,
            read,
            output,
            strict,
            to,
            lang,
        } => {
            let formats = if to.is_empty() {
                export::EXPORTERS
                    .iter()
                    .map(|e| e.name().to_string())
                    .collect()
            } else {
                to
            };
            let context = ExportContext {
                languages: languages(&lang),
                ..ExportContext::default()
            };
            validate(&inputs, &read, &output, strict, (&formats, context))
        }
        Command::Convert {
            inputs,
            out,
            to,
            read,
            output,
            strict,
            force,
            dry_run,
            prune,
            lang,
            template,
            missing_marker,
            bundle,
        } => {
            let context = ExportContext {
                languages: languages(&lang),
                templates: template,
                missing_marker: Some(missing_marker),
                bundle,
                limits: Default::default(),
            };
            let convert = ConvertOptions {
                formats: to,
                context,
                out,
                write: WriteOptions {
                    force,
                    dry_run,
                    prune,
                },
                strict,
            };
            self::convert(&inputs, &read, &output, convert)
        }
        Command::Template(command) => template(command),
        Command::Init {
            dir,
            school,
            country,
        } => init(dir, school.as_deref(), country.as_deref()),
        Command::Mappings { fields } => {
            print!("{}", europass::report::describe_mappings(fields));
            Ok(0)
        }
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "europass",
                &mut std::io::stdout(),
            );
            Ok(0)
        }
        Command::Serve(_) => unreachable!("served above"),
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

/// `europass inspect`: how each file is understood.
fn inspect(inputs: &[PathBuf], read: &ReadArgs, output: &OutputArgs) -> Result<u8, String> {
    let loaded = pipeline::load(inputs, &options(read, output, inputs)?);
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

/// `europass validate`: every problem, located.
fn validate(
    inputs: &[PathBuf],
    read: &ReadArgs,
    output: &OutputArgs,
    strict: bool,
    (formats, mut context): (&[String], ExportContext),
) -> Result<u8, String> {
    let options = options(read, output, inputs)?;
    if context.languages.is_empty()
        && let Some(p) = &options.profile
    {
        context.languages.clone_from(&p.languages);
    }
    let mut loaded = pipeline::load(inputs, &options);
    pipeline::predict(&mut loaded, formats, &context).map_err(|e| e.to_string())?;
    if strict {
        loaded.report.make_strict();
    }
    print_report(&loaded.report, output);
    let code = loaded.report.exit_code() as u8;
    exit_without_freeing(loaded);
    Ok(code)
}

/// `europass convert`: the outputs, `report.json` and `feedback.xlsx`.
fn convert(
    inputs: &[PathBuf],
    read: &ReadArgs,
    output: &OutputArgs,
    convert: ConvertOptions,
) -> Result<u8, String> {
    if convert.context.bundle && !convert.formats.iter().any(|f| f == "pdf") {
        return Err(
            "--bundle puts every transcript into one PDF: add pdf to --to (e.g. --to pdf --bundle)"
                .into(),
        );
    }
    let mut options = options(read, output, inputs)?;
    options.output = Some(convert.out.clone());
    let mut convert = convert;
    convert.context.limits = options.read.limits;
    if convert.context.languages.is_empty()
        && let Some(p) = &options.profile
    {
        convert.context.languages.clone_from(&p.languages);
    }
    // Another run writing into the folder is found before the inputs are read.
    let _lock = match convert.write.dry_run {
        true => None,
        false => Some(export::OutputLock::acquire(&convert.out).map_err(|e| e.to_string())?),
    };
    let mut loaded = pipeline::load(inputs, &options);
    pipeline::convert(&mut loaded, &convert, &options).map_err(|e| e.to_string())?;
    print_report(&loaded.report, output);
    if !output.quiet && output.format == Format::Human {
        let out = convert.out.display().to_string();
        eprint!("\n{}", loaded.report.written_summary(&out));
    }
    if convert.write.dry_run && !output.quiet && output.format == Format::Human {
        for w in &loaded.report.outputs {
            eprintln!("would write {}", convert.out.join(&w.path).display());
        }
    }
    let code = loaded.report.exit_code() as u8;
    exit_without_freeing(loaded);
    Ok(code)
}

/// `europass init`: a commented `europass.toml`, never over an existing one.
fn init(dir: Option<PathBuf>, school: Option<&str>, country: Option<&str>) -> Result<u8, String> {
    let country = match country.map(|c| c.trim().to_ascii_uppercase()) {
        Some(c) if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) => {
            return Err(format!(
                "--country takes a two-letter country code such as LV, not `{c}`"
            ));
        }
        c => c,
    };
    let school = school.map(str::trim).filter(|s| !s.is_empty());
    let path = dir
        .unwrap_or_default()
        .join(europass::profile::PROFILE_FILE);
    let text = europass::profile::starter(school, country.as_deref());
    let mut file = std::fs::File::create_new(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => format!(
            "{} already exists; edit it, or remove it first to start again",
            path.display()
        ),
        _ => format!("cannot write {}: {e}", path.display()),
    })?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    eprintln!(
        "wrote {}: remove the # before a line to give that value",
        path.display()
    );
    Ok(0)
}

/// `europass template …`: starter workbooks and Word templates, and checking a school's.
fn template(command: TemplateCommand) -> Result<u8, String> {
    match command {
        TemplateCommand::Xlsx { out, lang } => {
            let bytes = export::template_workbook(&lang).map_err(|e| e.to_string())?;
            std::fs::write(&out, bytes)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            eprintln!("wrote {}", out.display());
            Ok(0)
        }
        TemplateCommand::Docx { kind, lang, out } => {
            let kind = Kind::from_name(&kind).expect("checked by clap");
            let bytes =
                europass::export::word::layout::starter(kind, &lang).map_err(|e| e.to_string())?;
            std::fs::write(&out, bytes)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            eprintln!(
                "wrote {} ({} template; see docs/placeholders.md)",
                out.display(),
                kind.title()
            );
            Ok(0)
        }
        TemplateCommand::Check {
            file,
            kind,
            quiet,
            limits: given,
        } => {
            let mut limits = europass::import::Limits::default();
            for l in &given {
                limits.set(l)?;
            }
            let read_limits = limits;
            let limits = europass::export::word::template::TemplateLimits::from_limits(&limits);
            let bytes = europass::import::read_input(&file, &read_limits)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let shown = file.display().to_string();
            let kind = match kind {
                Some(k) => Kind::from_name(&k).expect("checked by clap"),
                None => Template::infer_kind_with(bytes.clone(), &limits)
                    .map_err(|e| format!("{shown}: {e}"))?,
            };
            let analysis = Template::analyse_with(bytes, kind, &limits)
                .map_err(|e| format!("{shown}: {e}"))?;
            print!("{}", describe_check(&shown, &analysis, quiet));
            Ok(u8::from(analysis.has_errors()))
        }
        TemplateCommand::Placeholders => {
            print!(
                "{}",
                europass::export::word::fields::placeholders_markdown()
            );
            Ok(0)
        }
    }
}

/// `europass serve`: for it `--jobs` is how many jobs run at once, each
/// on every core, so the thread pool keeps its default.
fn serve(args: ServeArgs, runs: Option<usize>) -> Result<u8, String> {
    let mut limits = europass::import::Limits::default();
    for l in &args.limits {
        limits.set(l)?;
    }
    let token = europass::serve::Token::from_sources(
        args.token_file.as_deref(),
        std::env::var(europass::serve::TOKEN_VARIABLE).ok(),
    )
    .map_err(|e| e.to_string())?;
    let config = europass::serve::Config {
        bind: args.bind,
        data_dir: args.data_dir,
        profile: args.profile,
        token,
        runs: runs.unwrap_or(1),
        queue: args.queue,
        max_upload_mb: args.max_upload_mb,
        keep_minutes: args.keep_minutes,
        limits,
    };
    europass::serve::run(config).map_err(|e| e.to_string())?;
    Ok(0)
}

/// One progress bar on stderr for the whole run: each stage adds its steps
/// to it, the time since the run began is shown throughout, and the time
/// left only once a tenth of the known work is done (an estimate from the
/// first few files is wild).
struct Bar {
    bar: Mutex<Option<indicatif::ProgressBar>>,
    /// Steps done and known when the last bar was cleared: the next stage's
    /// bar goes on from there.
    done: Mutex<(u64, u64)>,
    began: std::time::Instant,
    verbose: bool,
}

impl Bar {
    fn new(verbose: bool) -> Self {
        Self {
            bar: Mutex::new(None),
            done: Mutex::new((0, 0)),
            began: std::time::Instant::now(),
            verbose,
        }
    }
}

/// "about 12s left" from the share of the work done and the time taken.
fn time_left(state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write) {
    let (pos, len) = (state.pos(), state.len().unwrap_or(0));
    if len == 0 || pos * 10 < len || pos >= len {
        return;
    }
    let elapsed = state.elapsed().as_secs_f64();
    let left = elapsed * (len - pos) as f64 / pos as f64;
    let _ = if left < 60.0 {
        write!(w, ", about {:.0}s left", left.ceil())
    } else {
        write!(w, ", about {:.0} min left", (left / 60.0).ceil())
    };
}

impl Progress for Bar {
    fn start(&self, stage: &str, steps: u64) {
        let mut slot = self.bar.lock().expect("progress lock");
        let bar = slot.get_or_insert_with(|| {
            let (pos, len) = *self.done.lock().expect("progress lock");
            let bar = indicatif::ProgressBar::new(len)
                .with_position(pos)
                .with_elapsed(self.began.elapsed());
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{prefix:9} [{bar:30}] {pos}/{len} {elapsed}{left}  {wide_msg}",
            ) {
                bar.set_style(style.with_key("left", time_left).progress_chars("=> "));
            }
            bar
        });
        bar.inc_length(steps);
        bar.set_prefix(stage.to_string());
    }

    fn step(&self, item: &str) {
        if let Some(bar) = self.bar.lock().expect("progress lock").as_ref() {
            if self.verbose {
                bar.println(format!("  {item}"));
            }
            bar.set_message(item.to_string());
            bar.inc(1);
        }
    }

    fn finish(&self) {
        // The bar goes when all the work it knows of is done: the report
        // is printed where it stood.
        let mut slot = self.bar.lock().expect("progress lock");
        if slot
            .as_ref()
            .is_some_and(|b| b.length().is_some_and(|len| b.position() >= len))
            && let Some(bar) = slot.take()
        {
            *self.done.lock().expect("progress lock") = (bar.position(), bar.length().unwrap_or(0));
            bar.finish_and_clear();
        }
    }
}

/// The human report of `template check`.
fn describe_check(
    file: &str,
    analysis: &europass::export::word::template::Analysis,
    quiet: bool,
) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    if !quiet {
        let _ = writeln!(
            out,
            "{file}: {} template, {} placeholder(s)",
            analysis.kind.title(),
            analysis.placeholders.len()
        );
        for p in &analysis.placeholders {
            let inside = if p.inside.is_empty() {
                String::new()
            } else {
                format!("  [inside {}]", p.inside.join(" › "))
            };
            let _ = writeln!(out, "  {:<40} {}{inside}", p.text, p.place);
        }
    }
    let errors = analysis
        .problems
        .iter()
        .filter(|p| p.severity == europass::Severity::Error)
        .count();
    for p in &analysis.problems {
        let _ = writeln!(out, "{p}");
    }
    let _ = writeln!(
        out,
        "{} error(s), {} warning(s)",
        errors,
        analysis.problems.len() - errors
    );
    out
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
                eprintln!("{}", paint(&d.to_string()));
            }
        }
        Format::Human => eprint!("{}", paint(&report.to_human(output.verbose))),
    }
}

/// Colour for a person at a terminal: never with `NO_COLOR` set
/// (no-color.org), always with `CLICOLOR_FORCE` set, else when stderr is a
/// terminal.
fn colour_wanted() -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    !set("NO_COLOR") && (set("CLICOLOR_FORCE") || std::io::stderr().is_terminal())
}

/// The report's lines with errors in red, warnings in yellow and hints
/// dimmed, when colour is wanted.
fn paint(text: &str) -> String {
    if !colour_wanted() {
        return text.to_string();
    }
    const RESET: &str = "\x1b[0m";
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let styled = [
            ("error [", "\x1b[1;31m"),
            ("warning [", "\x1b[1;33m"),
            ("info [", "\x1b[36m"),
        ]
        .into_iter()
        .find_map(|(start, style)| {
            let word = start.trim_end_matches(" [");
            line.strip_prefix(word)
                .filter(|_| line.starts_with(start))
                .map(|rest| format!("{style}{word}{RESET}{rest}"))
        });
        match styled {
            Some(l) => out.push_str(&l),
            None if line.trim_start().starts_with("hint:") => {
                let body = line.trim_end_matches('\n');
                out.push_str(&format!("\x1b[2m{body}{RESET}"));
                out.push_str(&line[body.len()..]);
            }
            None => out.push_str(line),
        }
    }
    out
}
