//! The page's words, in English and Korean: one table of typed keys ([`T`]), and the
//! language the page speaks now ([`I18n`], a signal in context).
//!
//! Why a table and not `leptos_i18n`: ARCHITECTURE.md ("Languages") has the measurement.
//! In short, the crate cost 16 KB of brotli wasm and 30 crates for three keys; this
//! table costs the strings themselves.
//!
//! The table is complete by construction: the `strings!` macro takes every entry as
//! `Key: "English" => "한국어";`, so an entry without its Korean does not compile. The
//! native tests below check that the placeholders (`{0}`, `{1}`…) of both sides match,
//! and `tests/e2e/i18n.test.mjs` reads this file to walk the table against the page in
//! Korean — so keep one entry per `Key: "…" => "…";` item, strings on one line each.
//!
//! What is never translated: what kubectl, minikube and curl print, object names and
//! kinds, YAML, and what the user typed. The page marks those `translate="no"`.

use leptos::prelude::*;

/// A language the page speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    Ko,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ko];

    /// The BCP 47 tag, as `<html lang>` and `?lang=` take it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    /// `ko`, `ko-KR`, `KO` → Korean; `en`, `en-US` → English; anything else: none.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "ko" => Some(Lang::Ko),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The browser's preference list (`navigator.languages`): any Korean entry → Korean,
    /// else English.
    pub fn from_preferences<'a>(tags: impl IntoIterator<Item = &'a str>) -> Lang {
        if tags
            .into_iter()
            .any(|t| Lang::from_tag(t) == Some(Lang::Ko))
        {
            Lang::Ko
        } else {
            Lang::En
        }
    }

    /// The language's own name, as the switch shows it.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::En => "EN",
            Lang::Ko => "한국어",
        }
    }
}

thread_local! {
    /// The language now, for messages composed at a moment (an event handler, a task)
    /// rather than shown as a view: [`I18n`] keeps it in step with its signal.
    static CURRENT: std::cell::Cell<Lang> = const { std::cell::Cell::new(Lang::En) };
}

/// A string in the page's language at this moment (not tracked: for a message that is
/// written once, such as a notice).
pub fn tr(key: T) -> &'static str {
    key.get(CURRENT.with(|c| c.get()))
}

/// A string that follows the page's language, for a view or an attribute.
pub fn text(key: T) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    I18n::expect().text(key)
}

/// Replaces `{0}`, `{1}`… in a template with the arguments.
pub fn fill(template: &str, args: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}');
        let index = close.and_then(|c| after[..c].parse::<usize>().ok());
        match (close, index) {
            (Some(c), Some(i)) if i < args.len() => {
                out.push_str(&args[i].to_string());
                rest = &after[c + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

macro_rules! strings {
    ($($key:ident : $en:literal => $ko:literal;)*) => {
        /// A UI string of the page. `T::X.get(lang)` gives its text.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum T {
            $($key,)*
        }

        impl T {
            pub const ALL: &'static [T] = &[$(T::$key,)*];

            pub fn en(self) -> &'static str {
                match self {
                    $(T::$key => $en,)*
                }
            }

            pub fn ko(self) -> &'static str {
                match self {
                    $(T::$key => $ko,)*
                }
            }
        }
    };
}

impl T {
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en(),
            Lang::Ko => self.ko(),
        }
    }

    /// The text with its placeholders filled.
    pub fn fill(self, lang: Lang, args: &[&dyn std::fmt::Display]) -> String {
        fill(self.get(lang), args)
    }
}

// The table. Korean follows the terms Korean Kubernetes courses use (파드, 디플로이먼트,
// 스테이트풀셋, 퍼시스턴트 볼륨 클레임, 스토리지클래스, 인그레스…); status words that
// kubectl prints (Pending, Running, Bound, Terminating) stay as kubectl prints them.
strings! {
    // ---------------------------------------------------------------- the page (app.rs)
    DocTitle: "Orrery — a Kubernetes cluster in a browser tab" => "Orrery — 브라우저 탭 안의 쿠버네티스 클러스터";
    Tagline: "A Kubernetes control plane in a browser tab" => "브라우저 탭 안의 쿠버네티스 컨트롤 플레인";
    ScenarioLabel: "Scenario" => "시나리오";
    ScenarioPacman: "Pacman: StatefulSets, storage and Ingress" => "Pacman: 스테이트풀셋, 스토리지, 인그레스";
    LanguageLabel: "Language" => "언어";
    SwitchToEnglish: "Show the page in English" => "영어로 보기 (Show the page in English)";
    SwitchToKorean: "Show the page in Korean (한국어로 보기)" => "한국어로 보기";
    ThemeToLight: "Switch to the light theme" => "밝은 테마로 바꾸기";
    ThemeToDark: "Switch to the dark theme" => "어두운 테마로 바꾸기";
    ThemeLight: "Light" => "밝게";
    ThemeDark: "Dark" => "어둡게";

    // ---------------------------------------------------------------- lesson.rs
    Lesson: "Lesson" => "레슨";
    LessonNoCommands: "This lesson has no commands." => "이 레슨에는 실행할 명령이 없습니다.";
    LessonUnreadable: "The lesson could not be read: {0}" => "레슨을 읽을 수 없습니다: {0}";
    LessonWhatItPrints: "What it prints" => "출력 결과";
    LessonComplete: "Lesson complete." => "레슨을 마쳤습니다.";
    LessonKeepExploring: " Keep exploring: the console and the canvas are yours." => " 계속 살펴보세요. 콘솔과 캔버스는 자유롭게 써도 됩니다.";
    LessonStepOf: "Step {0} of {1}" => "{1}단계 중 {0}단계";
    LessonAllDone: "{0} of {0} done" => "{0}단계 모두 완료";
    LessonOffScript: "Off-script: explore freely, the lesson waits here." => "레슨을 벗어났습니다. 자유롭게 실습하세요. 레슨은 여기서 기다립니다.";
    LessonRun: "Run" => "실행";
    LessonRunAll: "Run all" => "모두 실행";
    LessonRunAllTitle: "Run the remaining steps one after another" => "남은 단계를 차례로 모두 실행합니다";
    LessonStop: "Stop" => "중지";
    LessonSkip: "Skip" => "건너뛰기";
    LessonSkipTitle: "Go to the next step without running this one" => "이 단계를 실행하지 않고 다음 단계로 넘어갑니다";
    LessonBack: "Back" => "이전";
    LessonBackTitle: "Show the previous step again (it does not undo it)" => "이전 단계를 다시 보여 줍니다 (실행한 것을 되돌리지는 않습니다)";

    // ---------------------------------------------------------------- console.rs
    Console: "Console" => "콘솔";
    ConsoleOutput: "Console output" => "콘솔 출력";
    ConsoleEmptyBefore: "Type a command, e.g. " => "명령을 입력하세요. 예: ";
    ConsoleEmptyMiddle: ". Paste a manifest with " => ". 매니페스트는 ";
    ConsoleEmptyAfter: "." => " 다음에 붙여 넣으세요.";
    ConsolePasteProgress: "Running pasted commands: {0} of {1}" => "붙여 넣은 명령 실행 중: {1}개 중 {0}개";
    ConsoleStop: "Stop" => "중지";
    ConsoleCompletions: "Completions" => "자동 완성 후보";
    ConsoleMore: "… {0} more" => "… 외 {0}개";
    ConsoleCommand: "Command" => "명령";
    ConsoleHeredocPlaceholder: "heredoc: end with {0}" => "heredoc: {0} 줄로 끝내세요";
    ConsoleKeys: "↑↓ history · Tab completes · Esc, then Tab leaves · Ctrl+C drops the line · Ctrl+L clears" => "↑↓ 이전 명령 · Tab 자동 완성 · Esc 다음 Tab 입력창 나가기 · Ctrl+C 줄 지우기 · Ctrl+L 화면 지우기";
    ConsoleRunAt: "at {0}" => "실행 시각 {0}";
    ConsoleRunBy: "run by the {0}" => "{0}에서 실행";
    ConsoleHeredocMore: "… {0} more lines" => "… 외 {0}줄";
    OriginLesson: "lesson" => "레슨";
    OriginEditor: "editor" => "편집기";
    OriginCanvas: "canvas" => "캔버스";
    OriginConsole: "console" => "콘솔";

    // ---------------------------------------------------------------- timebar.rs
    Time: "Time" => "시간";
    PastTitle: "The whole page shows this moment. Running a command returns to now." => "페이지 전체가 이 시점을 보여 줍니다. 명령을 실행하면 현재로 돌아옵니다.";
    PastViewing: "Viewing the past" => "과거를 보는 중";
    PastAgo: " · {0} ago, at {1}" => " · {0} 전, {1}";
    PastBackToNow: "Back to now" => "현재로";
    PastReplay: "Replay from here" => "여기서 다시 진행";
    PastReplayTitle: "Forget what happened after this moment and go on from here" => "이 시점 이후에 일어난 일을 버리고 여기서부터 다시 진행합니다";
    Play: "Play" => "재생";
    Pause: "Pause" => "일시정지";
    StepButton: "Step" => "한 단계";
    StepTitle: "Advance to the next moment a controller acts" => "컨트롤러가 다음에 동작하는 시점으로 이동합니다";
    Speed: "Speed" => "속도";
    SpeedTitle: "Playback speed" => "재생 속도";
    ClockAge: "age {0}" => "경과 {0}";
    ClockValueText: "{0} (age {1})" => "{0} (경과 {1})";
    Idle: "Nothing is scheduled: the cluster is idle." => "예정된 작업이 없습니다. 클러스터가 쉬고 있습니다.";
    EventsNewest: "Events: the newest {0} of {1}" => "이벤트: 전체 {1}개 중 최근 {0}개";
    EventsCount: "Events: {0}" => "이벤트: {0}개";
    EventsNone: "No events yet. Run a command or press Play." => "아직 이벤트가 없습니다. 명령을 실행하거나 재생을 누르세요.";

    // ---------------------------------------------------------------- editor.rs, report.rs
    Manifests: "Manifests" => "매니페스트";
    Files: "Files" => "파일";
    FileName: "File name" => "파일 이름";
    NameEmpty: "A file needs a name." => "파일 이름을 입력하세요.";
    NameTooLong: "Names are at most {0} characters." => "이름은 {0}자까지 쓸 수 있습니다.";
    NameDash: "`-` means standard input to kubectl; pick another name." => "kubectl에서 `-`는 표준 입력을 뜻합니다. 다른 이름을 고르세요.";
    NameBadChar: "A name cannot contain {0}: kubectl reads it as `-f NAME`." => "이름에 {0} 문자를 쓸 수 없습니다. kubectl은 이름을 `-f 이름` 형태로 읽습니다.";
    NameTaken: "A tab named {0} is already open." => "{0} 탭이 이미 열려 있습니다.";
    TabRenameTitle: "Double-click to rename" => "두 번 클릭하면 이름을 바꿀 수 있습니다";
    TabProblemsTitle: "Problems in this file" => "이 파일의 문제";
    TabCloseNamed: "Close {0}" => "{0} 닫기";
    TabClose: "Close" => "닫기";
    NewFile: "New file" => "새 파일";
    ClosedNote: "Closed {0}. " => "{0} 파일을 닫았습니다. ";
    Reopen: "Reopen" => "다시 열기";
    NoFilesOpen: "No files open. " => "열린 파일이 없습니다. ";
    SendFileToCluster: "Send this file to the cluster" => "이 파일을 클러스터에 보내기";
    Apply: "Apply" => "적용";
    Create: "Create" => "생성";
    Delete: "Delete" => "삭제";
    Working: "Working…" => "처리 중…";
    Dismiss: "Dismiss" => "닫기";
    GoToPosition: "Go to this position" => "이 위치로 이동";
    Parsed: "{0} parsed" => "{0} 읽음";
    DocumentsNone: "No documents" => "문서 0개";
    DocumentsOne: "1 document" => "문서 1개";
    DocumentsMany: "{0} documents" => "문서 {0}개";
    ProblemsOne: "1 problem" => "문제 1개";
    ProblemsMany: "{0} problems" => "문제 {0}개";
    AndMore: "and {0} more" => "외 {0}개";
    Kinds: "Kinds" => "종류";
    Checking: "Checking…" => "검사 중…";
    LargeFile: "{0} MiB, {1} lines — too large to edit here; showing the first {2} lines. Apply, Create and Delete use the whole file." => "{0} MiB, {1}줄 — 너무 커서 여기서는 편집할 수 없습니다. 처음 {2}줄만 보여 줍니다. 적용, 생성, 삭제는 파일 전체를 사용합니다.";
    LargeFilePreview: "The first {0} lines of the file" => "파일의 처음 {0}줄";
    LargeFileReplace: "Replace with an empty file" => "빈 파일로 바꾸기";

    // ---------------------------------------------------------------- inspector.rs
    Inspector: "Inspector" => "인스펙터";
    InspectorHint: "Select an object on the canvas to see why it is there, its YAML, its events — and to act on it." => "캔버스에서 오브젝트를 선택하면 그것이 왜 있는지, YAML과 이벤트를 볼 수 있고 직접 조작할 수도 있습니다.";
    FactNode: "Node" => "노드";
    FactKubernetes: "Kubernetes" => "쿠버네티스";
    FactObjects: "Objects" => "오브젝트";
    MinikubeAddons: "minikube addons" => "minikube 애드온";
    GoneReplaced: "This {0} {1} no longer exists. A new {1} took its place." => "이 {0} {1}은(는) 이제 없습니다. 새 {1}이(가) 그 자리를 이어받았습니다.";
    SelectNew: "Select the new {0}" => "새 {0} 선택";
    GoneNamed: "{0} {1} no longer exists." => "{0} {1}은(는) 이제 없습니다.";
    GoneUnknown: "The selected object no longer exists." => "선택한 오브젝트가 이제 없습니다.";
    ShowCluster: "Show the cluster" => "클러스터 보기";
    AboutObject: "About this object" => "이 오브젝트에 대해";
    TabWhy: "Why" => "이유";
    TabDescribe: "Describe" => "상세 정보";
    TabEvents: "Events" => "이벤트";
    ClusterScoped: "cluster-scoped" => "클러스터 범위";
    InNamespace: "namespace {0}" => "네임스페이스 {0}";
    Scale: "Scale" => "스케일";
    Replicas: "Replicas" => "레플리카";
    ReplicaFewer: "One replica fewer" => "레플리카 하나 줄이기";
    ReplicaMore: "One replica more" => "레플리카 하나 늘리기";
    MakeDefault: "★ Make this the default class" => "★ 기본 클래스로 지정";
    MakeDefaultTitle: "Two kubectl patch commands: this class gets the default annotation, the old default loses it" => "kubectl patch 명령 두 개: 이 클래스에 기본 어노테이션을 달고, 이전 기본 클래스에서는 뗍니다";
    ExecSummary: "Write or read a file in the pod " => "파드 안의 파일 쓰기·읽기 ";
    ExecFile: "File" => "파일";
    ExecText: "Text" => "내용";
    ExecWrite: "Write" => "쓰기";
    ExecRead: "Read" => "읽기";
    Terminating: "Terminating…" => "종료 중…";
    NoObjectEvents: "No events for this object." => "이 오브젝트의 이벤트가 없습니다.";

    // The causal chain (inspector::why).
    Ago: "{0} ago" => "{0} 전";
    ActorKubectl: "a kubectl command" => "kubectl 명령";
    ActorController: "the {0} controller" => "{0} 컨트롤러";
    ActorGc: "the garbage collector" => "가비지 컬렉터";
    ActorApiServer: "the API server" => "API 서버";
    WhyPodOfStatefulSet: "{0} was created by the statefulset controller {1}: StatefulSet {2} has replicas {3}, and ordinal {4} was missing." => "{0}은(는) {1} 스테이트풀셋 컨트롤러가 만들었습니다. 스테이트풀셋 {2}의 replicas는 {3}인데, 서수 {4}번 파드가 없었기 때문입니다.";
    WhyPodOfReplicaSet: "{0} was created by the replicaset controller {1}: ReplicaSet {2} wants {3} pods and had fewer. A ReplicaSet's pods get random suffixes." => "{0}은(는) {1} 레플리카셋 컨트롤러가 만들었습니다. 레플리카셋 {2}은(는) 파드 {3}개를 원하는데 그보다 적었습니다. 레플리카셋의 파드 이름에는 무작위 접미사가 붙습니다.";
    WhyReplicaSetOfDeployment: "ReplicaSet {0} belongs to Deployment {1}, which has replicas {2}." => "레플리카셋 {0}은(는) 디플로이먼트 {1}에 속하며, 이 디플로이먼트의 replicas는 {2}입니다.";
    WhyCreatedFor: "{0} was created {1} for {2} {3}." => "{0}은(는) {1} {2} {3}을(를) 위해 만들어졌습니다.";
    WhyPodUnowned: "{0} was created {1} by {2}. No controller owns it, so nothing recreates it if it is deleted." => "{0}은(는) {1} {2}(으)로 만들어졌습니다. 이 파드를 소유한 컨트롤러가 없으므로, 삭제하면 아무것도 다시 만들어 주지 않습니다.";
    WhyDeletedBy: ", deleted by {0} {1}" => ", {1} {0}(으)로 삭제됨";
    WhyReplaces: "It replaces an earlier {0} (UID {1}…{2}, removed {3}). Same name, new UID: a StatefulSet pod keeps its identity, not its object." => "이전의 {0}(UID {1}…{2}, {3} 제거됨)을 대신합니다. 이름은 같고 UID는 새것입니다. 스테이트풀셋 파드가 유지하는 것은 정체성이지 오브젝트가 아닙니다.";
    WhyClaimMissing: "It mounts claim {0}, which does not exist: the pod cannot start until it does." => "클레임 {0}을(를) 마운트하는데, 그 클레임이 없습니다. 클레임이 생길 때까지 파드는 시작할 수 없습니다.";
    WhyMountsBound: "It mounts claim {0}, bound to volume {1}" => "볼륨 {1}에 바인딩된 클레임 {0}을(를) 마운트합니다";
    WhyMountsPhase: "It mounts claim {0}, which is {1}" => "클레임 {0}({1})을(를) 마운트합니다";
    WhyClaimOlder: "; the claim is older than this pod (created {0}), so the data on it outlived any earlier pod." => ". 클레임은 이 파드보다 먼저 만들어졌으므로({0}), 그 안의 데이터는 이전 파드가 사라진 뒤에도 남아 있습니다.";
    WhyTerminatingBy: " by {0}" => "{0}에 의해 ";
    WhyTerminating: "It is Terminating: deleted{0}; the kubelet stops it within its grace period of {1}s ({2} left)." => "Terminating 상태입니다. {0}삭제되었으며, kubelet이 유예 기간 {1}초 안에 멈춥니다 ({2} 남음).";
    WhyServiceReady: "Service {0} selects it, and it is ready: it receives the Service's traffic." => "서비스 {0}이(가) 이 파드를 선택하고, 파드가 준비되어 있으므로 서비스의 트래픽을 받습니다.";
    WhyServiceNotReady: "Service {0} selects it, but it is not ready: the Service sends it no traffic." => "서비스 {0}이(가) 이 파드를 선택하지만, 파드가 준비되지 않아 서비스가 트래픽을 보내지 않습니다.";
    WhyClaimFromTemplate: "{0} was created by the statefulset controller {1}, from a volumeClaimTemplate. It is not deleted with its pod: a recreated pod of the same ordinal gets it back." => "{0}은(는) {1} 스테이트풀셋 컨트롤러가 volumeClaimTemplate으로 만들었습니다. 파드와 함께 삭제되지 않으며, 같은 서수로 다시 만들어진 파드가 이 클레임을 다시 씁니다.";
    WhyCreatedBy: "{0} was created {1} by {2}." => "{0}은(는) {1} {2}(으)로 만들어졌습니다.";
    WhyCreated: "{0} was created {1}." => "{0}은(는) {1} 만들어졌습니다.";
    WhyProvisionedFor: ", which {0} provisioned dynamically for this claim" => "({0}이(가) 이 클레임을 위해 동적으로 프로비저닝함)";
    WhyExistingVolume: ", an existing volume that satisfied the claim" => "(클레임 조건에 맞는 기존 볼륨)";
    WhyBoundTo: "It is bound to volume {0}{1}." => "볼륨 {0}{1}에 바인딩되어 있습니다.";
    WhyLastEvent: " The last event says: {0}" => " 마지막 이벤트: {0}";
    WhyNotBound: "It is {0}, not bound to a volume yet.{1}" => "{0} 상태이며 아직 볼륨에 바인딩되지 않았습니다.{1}";
    WhyJob: "Job {0} was created {1}: it wants {2} successful pod(s), at most {3} at a time, and gives up after {4} failures." => "잡 {0}은(는) {1} 만들어졌습니다: 성공한 파드 {2}개를 원하며, 한 번에 최대 {3}개, 실패 {4}번 후에 포기합니다.";
    WhyJobProgress: "{0} succeeded, {1} failed, {2} running." => "성공 {0}, 실패 {1}, 실행 중 {2}.";
    WhyJobComplete: "Complete: its pods stay until the Job is deleted." => "완료: 잡을 삭제할 때까지 파드가 남습니다.";
    WhyJobFailed: "Failed ({0}): its running pods were deleted." => "실패({0}): 실행 중이던 파드는 삭제되었습니다.";
    WhyNode: "{0} is the cluster's node (it joined {1}): the scheduler places pods here." => "{0}은(는) 클러스터의 노드입니다({1} 합류): 스케줄러가 파드를 여기에 배치합니다.";
    WhyNodeCordoned: "Cordoned: the scheduler places no new pods here; pods already here keep running. kubectl uncordon {0} undoes it." => "코든됨: 스케줄러가 새 파드를 여기에 배치하지 않으며, 이미 있는 파드는 계속 실행됩니다. kubectl uncordon {0}(으)로 되돌립니다.";
    WhyTaintNoSchedule: "Taint {0}: new pods that do not tolerate it are not scheduled here; pods already here stay." => "테인트 {0}: 이를 톨러레이트하지 않는 새 파드는 여기에 스케줄되지 않으며, 이미 있는 파드는 남습니다.";
    WhyTaintNoExecute: "Taint {0}: pods that do not tolerate it are evicted, and new ones are not scheduled here." => "테인트 {0}: 이를 톨러레이트하지 않는 파드는 축출되고, 새 파드도 여기에 스케줄되지 않습니다.";
    WhyTaintPrefer: "Taint {0}: the scheduler avoids this node when another fits (with one node, nothing changes)." => "테인트 {0}: 다른 노드가 맞으면 스케줄러가 이 노드를 피합니다(노드가 하나면 달라지는 것이 없습니다).";
    WhyNodeWaiting: "{0} pod(s) wait to be scheduled." => "파드 {0}개가 스케줄을 기다립니다.";
    WhyMountedBy: "Mounted by pod {0}." => "파드 {0}이(가) 마운트하고 있습니다.";
    WhyPvProvisioned: "{0} was provisioned dynamically by {1} {2}, for a claim of StorageClass {3}." => "{0}은(는) {2} {1}이(가) 스토리지클래스 {3}의 클레임을 위해 동적으로 프로비저닝했습니다.";
    WhyReservedFor: "It is reserved for claim {0}." => "클레임 {0} 전용으로 예약되어 있습니다.";
    WhyReclaimDelete: "Reclaim policy Delete: when its claim is deleted, the volume and its data are deleted too." => "반환 정책(reclaim policy) Delete: 클레임이 삭제되면 볼륨과 데이터도 함께 삭제됩니다.";
    WhyReclaimOther: "Reclaim policy {0}: when its claim is deleted, the volume stays (Released) with its data." => "반환 정책(reclaim policy) {0}: 클레임이 삭제되어도 볼륨은 데이터와 함께 남습니다 (Released).";
    WhyDefaultClass: "{0} is the default StorageClass: its annotation storageclass.kubernetes.io/is-default-class is \"true\". A claim created without storageClassName gets this class." => "{0}은(는) 기본 스토리지클래스입니다. 어노테이션 storageclass.kubernetes.io/is-default-class가 \"true\"이므로, storageClassName 없이 만든 클레임은 이 클래스를 받습니다.";
    WhyManyDefaults: "{0} classes are marked default at the moment; take the annotation off the others." => "지금 기본으로 표시된 클래스가 {0}개입니다. 나머지 클래스에서 어노테이션을 떼세요.";
    WhyNotDefaultClass: "{0} is not the default StorageClass: only claims that name it get it." => "{0}은(는) 기본 스토리지클래스가 아닙니다. 이 클래스를 이름으로 지정한 클레임만 이 클래스를 받습니다.";
    WhyProvisionerOne: "Provisioner {0}; 1 claim uses it." => "프로비저너 {0}. 이 클래스를 쓰는 클레임은 1개입니다.";
    WhyProvisionerMany: "Provisioner {0}; {1} claims use it." => "프로비저너 {0}. 이 클래스를 쓰는 클레임은 {1}개입니다.";
    WhyStatefulSet: "StatefulSet {0} has replicas {1}: its controller keeps pods {0}-0 … {0}-{2} — created in ordinal order, removed in reverse — each with the same name and claims every time." => "스테이트풀셋 {0}의 replicas는 {1}입니다. 컨트롤러가 파드 {0}-0 … {0}-{2}를 유지합니다. 서수 순서대로 만들고 역순으로 지우며, 매번 같은 이름과 같은 클레임을 씁니다.";
    WhyReadyOf: "{0} of {1} ready." => "{1}개 중 {0}개 준비됨.";
    WhyDeployment: "Deployment {0} has replicas {1}: the deployment controller keeps a ReplicaSet per pod template ({2}), and each ReplicaSet keeps its pods." => "디플로이먼트 {0}의 replicas는 {1}입니다. 디플로이먼트 컨트롤러는 파드 템플릿마다 레플리카셋을 하나씩 두고({2}), 각 레플리카셋이 자기 파드를 유지합니다.";
    WhyNoneYet: "none yet" => "아직 없음";
    WhyReplicaSetOwned: "{0} was created by the deployment controller {1} for Deployment {2}: its name ends with the pod template's hash ({3})." => "{0}은(는) {1} 디플로이먼트 컨트롤러가 디플로이먼트 {2}을(를) 위해 만들었습니다. 이름 끝은 파드 템플릿의 해시({3})입니다.";
    WhyReplicaSetUnowned: "{0} was created {1}; no Deployment owns it." => "{0}은(는) {1} 만들어졌고, 소유한 디플로이먼트가 없습니다.";
    WhyWantsPods: "It wants {0} pods." => "파드 {0}개를 원합니다.";
    WhyServiceNoSelector: "Service {0} has no selector: its endpoints are managed by hand." => "서비스 {0}에는 셀렉터가 없습니다. 엔드포인트를 직접 관리합니다.";
    WhyServiceSelects: "Service {0} selects pods labelled {1}: {2} match, {3} ready. Only ready pods are endpoints that get traffic." => "서비스 {0}은(는) 레이블 {1}인 파드를 선택합니다. {2}개가 일치하고 {3}개가 준비되어 있습니다. 준비된 파드만 트래픽을 받는 엔드포인트가 됩니다.";
    WhyOtherCreated: "{0} {1} was created {2}{3}." => "{0} {1}은(는) {2} {3}만들어졌습니다.";
    WhyOtherBy: " by {0}" => "{0}에 의해 ";
    WhyNotSimulated: "Orrery stores {0} objects and shows them, but does not simulate what they do." => "Orrery는 {0} 오브젝트를 저장하고 보여 주지만, 그 동작은 시뮬레이션하지 않습니다.";
    WhyLastWarning: "Last warning: {0} — {1}" => "마지막 경고: {0} — {1}";
    ClassExplicit: "storageClassName {0} was set in the manifest." => "매니페스트에 storageClassName {0}이(가) 지정되어 있었습니다.";
    ClassExplicitNone: "storageClassName \"\" was set in the manifest: this claim asks for no class and binds only to volumes without one; it is never given the default." => "매니페스트에 storageClassName \"\"이 지정되어 있었습니다. 이 클레임은 클래스를 원하지 않으므로 클래스 없는 볼륨에만 바인딩되고, 기본 클래스를 받지 않습니다.";
    ClassDefaultAtAdmission: "storageClassName was unset; the DefaultStorageClass admission plugin set it to the default class {0} when the claim was created." => "storageClassName이 비어 있었으므로, 클레임이 만들어질 때 DefaultStorageClass 어드미션 플러그인이 기본 클래스 {0}(으)로 채웠습니다.";
    ClassRetroactive: "storageClassName was unset and no default class existed when the claim was created; the persistentvolume controller assigned the default class {0} later (retroactive default assignment)." => "클레임이 만들어질 때 storageClassName이 비어 있었고 기본 클래스도 없었습니다. 나중에 persistentvolume 컨트롤러가 기본 클래스 {0}을(를) 지정했습니다 (소급 기본값 지정).";
    ClassUnset: "storageClassName is unset: no default class existed when the claim was created, so it binds only to volumes without a class." => "storageClassName이 비어 있습니다. 클레임이 만들어질 때 기본 클래스가 없었으므로 클래스 없는 볼륨에만 바인딩됩니다.";

    // ---------------------------------------------------------------- canvas.rs
    CanvasLabel: "Cluster canvas" => "클러스터 캔버스";
    Cluster: "Cluster" => "클러스터";
    Zoom: "Zoom" => "확대·축소";
    ZoomOut: "Zoom out" => "축소";
    ZoomIn: "Zoom in" => "확대";
    ZoomActual: "Actual size" => "실제 크기";
    ZoomFit: "Fit" => "맞춤";
    ZoomFitTitle: "Fit the whole cluster in view" => "클러스터 전체를 화면에 맞춥니다";
    CanvasObjects: "Objects in the cluster" => "클러스터의 오브젝트";
    CanvasEmptyBefore: "Nothing to draw yet. Run the lesson's first steps, or type " => "아직 그릴 것이 없습니다. 레슨의 첫 단계를 실행하거나 콘솔에 ";
    CanvasEmptyAfter: " in the console." => " 을(를) 입력하세요.";
    KindClient: "Client" => "클라이언트";
    KindIngressController: "Ingress controller" => "인그레스 컨트롤러";
    KindIngressRule: "Ingress rule" => "인그레스 규칙";
    KindService: "Service" => "서비스";
    KindDeployment: "Deployment" => "디플로이먼트";
    KindReplicaSet: "ReplicaSet" => "레플리카셋";
    KindStatefulSet: "StatefulSet" => "스테이트풀셋";
    KindJob: "Job" => "잡";
    KindPod: "Pod" => "파드";
    KindClaim: "PersistentVolumeClaim" => "퍼시스턴트 볼륨 클레임";
    KindVolume: "PersistentVolume" => "퍼시스턴트 볼륨";
    KindStorageClass: "StorageClass" => "스토리지클래스";
    KindNode: "Node" => "노드";
    LaneClient: "client" => "클라이언트";
    LaneController: "ingress controller" => "인그레스 컨트롤러";
    AddonDisabled: "addon disabled" => "애드온 꺼짐";
    NodeReadyCount: "{0} ready" => "{0} 준비";
    NodeIn: " in {0}" => " ({0} 네임스페이스)";
    NodeOrdinal: ", ordinal {0}" => ", 서수 {0}";
    StatusRunningNotReady: "Running, not ready" => "Running, 준비 안 됨";
    DefaultStorageClass: "The default StorageClass" => "기본 스토리지클래스";
    ExplainDefaultClass: "StorageClass {0} is the default: annotation storageclass.kubernetes.io/is-default-class=\"true\"" => "스토리지클래스 {0}이(가) 기본입니다: 어노테이션 storageclass.kubernetes.io/is-default-class=\"true\"";
    ExplainNotDefaultClass: "StorageClass {0} (not the default)" => "스토리지클래스 {0} (기본 아님)";
    ExplainVolume: "PersistentVolume {0} ({1})" => "퍼시스턴트 볼륨 {0} ({1})";
    ExplainRunsOn: "Runs on node {0}" => "노드 {0}에서 실행 중";
    ExplainMachine: "Node {0}: {1} pods scheduled here ({2})" => "노드 {0}: 파드 {1}개가 배치됨 ({2})";
    NodePods: "{0} pods" => "파드 {0}개";
    NodeCompleteCount: "{0} complete" => "{0} 완료";
    ExplainJob: "Job {0}: {1} succeeded, {2} failed, {3} active" => "잡 {0}: 성공 {1}, 실패 {2}, 실행 중 {3}";
    NodeCordoned: "cordoned" => "코든됨";
    NodeTainted: "tainted" => "테인트 있음";
    ExplainTaints: "; taints: {0}" => "; 테인트: {0}";
    ExplainIngressRule: "Ingress {0}: host {1}, path {2} ({3})" => "인그레스 {0}: 호스트 {1}, 경로 {2} ({3})";
    OutcomeRefused: "connection refused" => "연결 거부됨";
    OutcomeTimeout: "timed out" => "시간 초과";
    OutcomeEmptyReply: "empty reply from server" => "서버가 빈 응답을 보냄";
    OutcomeDns: "could not resolve host" => "호스트 이름을 찾을 수 없음";
    RequestHost: "Host" => "호스트";
    RequestPath: "Path" => "경로";
    RequestSend: "Send" => "보내기";
    RequestSendTitle: "Send a request: curl the node's port 80 with this Host header" => "요청 보내기: 이 호스트 헤더를 담아 노드의 80번 포트로 curl을 실행합니다";
    QuietTitle: "Stored, not simulated" => "저장만 하고 시뮬레이션하지 않음";
    Legend: "Legend" => "범례";
    LegendStatefulSet: "StatefulSet (badge: ordinal)" => "스테이트풀셋 (배지: 서수)";
    LegendBound: "claim or volume, Bound" => "클레임 또는 볼륨, Bound";
    LegendReadyEndpoint: "Service → ready endpoint" => "서비스 → 준비된 엔드포인트";
    LegendNotReadyEndpoint: "Service → not-ready endpoint" => "서비스 → 준비 안 된 엔드포인트";
    LegendDefaultClass: "default StorageClass" => "기본 스토리지클래스";

    // ---------------------------------------------------------------- reach.rs, embed.rs, share.rs
    ReachOpeningLink: "Opening the shared session…" => "공유된 세션을 여는 중…";
    ReachLinkFailed: "This share link could not be opened:" => "이 공유 링크를 열 수 없습니다:";
    ReachShowingDefault: "The default scenario is shown instead." => "대신 기본 시나리오를 보여 줍니다.";
    ReachRestored: "Restored your session from this browser." => "이 브라우저에 저장된 세션을 복원했습니다.";
    ReachReset: "Reset to default" => "기본 상태로 초기화";
    ReachOpenedLink: "Opened a shared link. Your own saved session is kept until you change something here; then this session is saved in its place." => "공유 링크를 열었습니다. 여기서 무언가를 바꾸기 전까지는 저장해 둔 내 세션이 그대로 남고, 바꾸면 이 세션이 대신 저장됩니다.";
    ReachOpenSaved: "Open my saved session instead" => "저장해 둔 내 세션 열기";
    ReachSavedUnreadable: "Your saved session could not be read, so the default scenario is shown:" => "저장된 세션을 읽을 수 없어 기본 시나리오를 보여 줍니다:";
    ReachCrashedNotReopened: "Orrery stopped twice in a row with this session open, so it was not reopened this time. Your saved session is still kept in this browser." => "이 세션을 연 상태에서 Orrery가 두 번 연달아 멈춰서 이번에는 다시 열지 않았습니다. 저장된 세션은 이 브라우저에 그대로 남아 있습니다.";
    ReachCrashedLink: "Orrery stopped twice in a row opening this link, so it was not opened this time." => "이 링크를 여는 중에 Orrery가 두 번 연달아 멈춰서 이번에는 열지 않았습니다.";
    ReachOpenedFile: "Opened the session from" => "세션을 연 파일:";
    ReachOpenedTab: "Opened in a new editor tab:" => "새 편집기 탭으로 열었습니다:";
    ReachNotSession: "could not be opened as a session:" => "파일을 세션으로 열 수 없습니다:";
    ReachVersionDiffers: "The session was saved on cluster version" => "이 세션이 저장된 클러스터 버전은";
    ReachVersionNow: "but replays on" => "이지만, 다시 실행하는 버전은";
    ReachSaveFailed: "Autosave failed:" => "자동 저장 실패:";
    ReachTooLargeToSave: "This session is too large to keep in this browser; Export saves it as a file." => "이 세션은 너무 커서 브라우저에 저장할 수 없습니다. 내보내기로 파일에 저장하세요.";
    CrashStopped: "Orrery stopped because of a bug. Nothing you typed is lost: it is still on this page to copy, and your session was saved in this browser up to a second ago, so reloading continues from it." => "Orrery가 버그로 멈췄습니다. 입력한 내용은 사라지지 않았습니다. 이 페이지에 그대로 있어 복사할 수 있고, 세션은 1초 전까지 이 브라우저에 저장되어 새로 고치면 이어서 계속합니다.";
    CrashStoppedEmbed: "Orrery stopped because of a bug. What you typed is still on this page to copy; reloading starts this page over." => "Orrery가 버그로 멈췄습니다. 입력한 내용은 이 페이지에 그대로 있어 복사할 수 있습니다. 새로 고치면 이 페이지가 처음부터 다시 시작됩니다.";
    CrashReload: "Reload" => "새로 고침";
    ReachExport: "Export" => "내보내기";
    ReachExportTitle: "Download this session as a transcript file (orrery run / orrery check read it)" => "이 세션을 트랜스크립트 파일로 내려받습니다 (orrery run / orrery check로 읽을 수 있습니다)";
    ReachOpen: "Open…" => "열기…";
    ReachOpenTitle: "Open a .yaml file in the editor, or a session or transcript file" => "편집기에서 .yaml 파일을 열거나, 세션 또는 트랜스크립트 파일을 엽니다";
    ReachDismiss: "Dismiss" => "닫기";
    ReachDropHint: "Drop a .yaml file to open it in the editor, or a session or transcript to open it" => ".yaml 파일을 놓으면 편집기에서 열고, 세션이나 트랜스크립트 파일을 놓으면 그 세션을 엽니다";
    ReachDownloadFailed: "The download failed:" => "내려받기 실패:";
    EmbedButton: "Embed" => "임베드";
    EmbedTitle: "Embed this cluster in a course page" => "이 클러스터를 강의 페이지에 넣기";
    EmbedPanels: "Panels" => "패널";
    EmbedStartStep: "Start at lesson step" => "시작할 레슨 단계";
    EmbedReadonly: "Read-only (only the lesson changes the cluster)" => "읽기 전용 (레슨만 클러스터를 바꿀 수 있음)";
    EmbedWithScenario: "Include this session (its share link)" => "이 세션 포함 (공유 링크로)";
    EmbedCopy: "Copy embed code" => "임베드 코드 복사";
    EmbedCopied: "Copied." => "복사했습니다.";
    EmbedCopyRefused: "The browser did not allow copying: select the code above and copy it (Ctrl+C)." => "브라우저가 복사를 허용하지 않았습니다. 위의 코드를 선택해 복사하세요 (Ctrl+C).";
    EmbedClose: "Close" => "닫기";
    EmbedSnippetLabel: "Embed code" => "임베드 코드";
    EmbedIframeTitle: "Orrery: a simulated Kubernetes cluster" => "Orrery: 시뮬레이션된 쿠버네티스 클러스터";
    EmbedOpenFull: "Open in Orrery ↗" => "Orrery에서 열기 ↗";
    ShareButton: "Share" => "공유";
    ShareTitle: "Share this session as a link" => "이 세션을 링크로 공유";
    ShareLinkLabel: "Share link" => "공유 링크";
    ShareCopyLink: "Copy link" => "링크 복사";
    ShareCopied: "Copied to the clipboard." => "클립보드에 복사했습니다.";
    ShareCopyRefused: "The browser did not allow copying: select the link above and copy it (Ctrl+C)." => "브라우저가 복사를 허용하지 않았습니다. 위의 링크를 선택해 복사하세요 (Ctrl+C).";
    ShareMaking: "Making the link…" => "링크를 만드는 중…";
    ShareLength: "Length (characters):" => "길이 (글자 수):";
    ShareOversize: "This link is longer than 8,000 characters: chat tools and some browsers cut such links off. Download the session as a file and share the file instead." => "이 링크는 8,000자보다 깁니다. 채팅 도구와 일부 브라우저는 이런 링크를 잘라 버립니다. 세션을 파일로 내려받아 파일을 공유하세요.";
    ShareDownload: "Download session file" => "세션 파일 내려받기";
    ShareClose: "Close" => "닫기";
    ShareFailed: "The link could not be made:" => "링크를 만들 수 없습니다:";
    EmbedPanelCanvas: "Canvas" => "캔버스";
    EmbedPanelConsole: "Console" => "콘솔";
    EmbedPanelEditor: "Editor" => "편집기";
    EmbedPanelLesson: "Lesson" => "레슨";
    EmbedPanelInspector: "Inspector" => "인스펙터";
    EmbedPanelTime: "Time" => "시간";
    EmbedReadonlyRefusal: "This embedded cluster is read-only: only the lesson can change it. Open it in Orrery to try your own commands." => "이 임베드 클러스터는 읽기 전용입니다. 레슨만 클러스터를 바꿀 수 있습니다. 직접 명령을 실행해 보려면 Orrery에서 여세요.";
    ShareCutOff: "the link's data is cut off." => "링크의 데이터가 잘려 있습니다.";
    ShareTooLong: "it is {0} characters long; links of more than {1} characters are not read." => "링크 길이가 {0}자입니다. {1}자가 넘는 링크는 읽지 않습니다.";
    ShareNoSession: "it holds no session." => "링크에 세션이 없습니다.";
    ShareNewer: "it was made by a newer version of Orrery." => "더 새로운 버전의 Orrery에서 만든 링크입니다.";
    ShareDamaged: "its data is damaged ({0})." => "링크의 데이터가 손상되었습니다 ({0}).";
    ShareNotUtf8: "its data is damaged (not UTF-8 text at byte {0})." => "링크의 데이터가 손상되었습니다 ({0}번째 바이트가 UTF-8 텍스트가 아님).";
    DocTooLarge: "It is too large ({0} bytes; at most {1} are read)." => "파일이 너무 큽니다 ({0}바이트, 최대 {1}바이트까지 읽습니다).";
    DocTooMany: "It holds more than {0} commands." => "명령이 {0}개보다 많습니다.";
    DocNoCommand: "It holds no `$ ` command: it is not a transcript." => "`$ ` 명령이 없으므로 트랜스크립트가 아닙니다.";
    DocNotUtf8: "{0} is not UTF-8 text: the byte at offset {1} is not valid UTF-8. Nothing was opened and nothing was changed." => "{0}은(는) UTF-8 텍스트가 아닙니다. 오프셋 {1}의 바이트가 올바른 UTF-8이 아닙니다. 아무것도 열지 않았고 아무것도 바꾸지 않았습니다.";
}

// ------------------------------------------------------------------ the page's language

/// The language the page speaks now: a signal in context, so that every string reads
/// it and a switch re-renders only the text (no component is rebuilt, nothing is lost).
#[derive(Clone, Copy, Debug)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    pub fn new(lang: Lang) -> I18n {
        CURRENT.with(|c| c.set(lang));
        I18n {
            lang: RwSignal::new(lang),
        }
    }

    /// Puts a new one in context.
    pub fn provide(lang: Lang) -> I18n {
        let i = I18n::new(lang);
        provide_context(i);
        i
    }

    /// The one in context; English if there is none (a component mounted on its own in
    /// a browser test).
    pub fn expect() -> I18n {
        use_context::<I18n>().unwrap_or_else(|| I18n::new(Lang::En))
    }

    /// The language now (tracked).
    pub fn lang(self) -> Lang {
        self.lang.get()
    }

    pub fn lang_untracked(self) -> Lang {
        self.lang.get_untracked()
    }

    pub fn set(self, lang: Lang) {
        CURRENT.with(|c| c.set(lang));
        self.lang.set(lang);
    }

    /// A string in the language now (tracked).
    pub fn t(self, key: T) -> &'static str {
        key.get(self.lang())
    }

    /// A string that follows the language, for a view or an attribute. Every call site
    /// shares this one closure type, so the view code is generated once, not once per
    /// string (that saved most of the table's cost in the wasm).
    pub fn text(self, key: T) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || self.t(key)
    }

    /// A template filled, in the language now (tracked).
    pub fn f(self, key: T, args: &[&dyn std::fmt::Display]) -> String {
        key.fill(self.lang(), args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn placeholders(s: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut rest = s;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            match after.find('}') {
                Some(c) if after[..c].parse::<usize>().is_ok() => {
                    out.insert(after[..c].to_string());
                    rest = &after[c + 1..];
                }
                _ => rest = after,
            }
        }
        out
    }

    /// Every key has both languages (the macro guarantees the entry; this checks it is
    /// not empty) with the same placeholders, and the Korean is actually Korean where
    /// the English has words to translate.
    #[test]
    fn both_languages_have_every_key() {
        for &k in T::ALL {
            assert!(!k.en().is_empty(), "{k:?} has no English");
            assert!(!k.ko().is_empty(), "{k:?} has no Korean");
            assert_eq!(
                placeholders(k.en()),
                placeholders(k.ko()),
                "{k:?}: the placeholders differ"
            );
            let words = k.en().chars().filter(|c| c.is_ascii_alphabetic()).count();
            let hangul = k
                .ko()
                .chars()
                .any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c));
            assert!(
                words == 0 || hangul || k.en() == k.ko(),
                "{k:?}: the Korean {:?} has no Hangul",
                k.ko()
            );
        }
    }

    /// The e2e test reads the table from this file's text (one `Key: "…" => "…";` item
    /// per entry): make sure it finds exactly the keys the enum has.
    #[test]
    fn the_table_is_readable_as_text() {
        let src = include_str!("i18n.rs");
        let start = src.find("strings! {\n").expect("the table");
        let end = start + src[start..].find("\n}\n").expect("the end of the table");
        let entries = src[start..end]
            .lines()
            .filter(|l| {
                let l = l.trim_start();
                l.split_once(": \"").is_some_and(|(k, _)| {
                    !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric())
                }) && l.contains("\" => \"")
                    && l.ends_with("\";")
            })
            .count();
        assert_eq!(entries, T::ALL.len());
    }

    #[test]
    fn fill_replaces_numbered_placeholders() {
        assert_eq!(fill("Step {0} of {1}", &[&3, &12]), "Step 3 of 12");
        assert_eq!(fill("{1}단계 중 {0}단계", &[&3, &12]), "12단계 중 3단계");
        assert_eq!(fill("{0} of {0} done", &[&5]), "5 of 5 done");
        assert_eq!(fill("{x} {9} {", &[&1]), "{x} {9} {");
        assert_eq!(
            fill("a{0}b", &[&"{1}"]),
            "a{1}b",
            "arguments are not re-read"
        );
    }

    #[test]
    fn languages_from_tags() {
        assert_eq!(Lang::from_tag("ko-KR"), Some(Lang::Ko));
        assert_eq!(Lang::from_tag("KO"), Some(Lang::Ko));
        assert_eq!(Lang::from_tag("en_GB"), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
        assert_eq!(Lang::from_preferences(["fr-FR", "ko"]), Lang::Ko);
        assert_eq!(Lang::from_preferences(["en-US", "de"]), Lang::En);
        assert_eq!(Lang::from_preferences([]), Lang::En);
    }
}
