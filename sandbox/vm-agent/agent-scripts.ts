/**
 * The shell scripts of the sandbox's agent package, shaped after the real agent's layoutroot/layoutbin scripts.
 * Where the real ones test `id -u`, these read AMLVNET_VM_UID first: the sandbox runs VM scripts as an
 * unprivileged stand-in user while telling them who they are on the VM (root for a Custom Script extension, as
 * on Azure; the admin user after `sudo -u`), so "Must not run with sudo" and "Must run as sudo" behave as on a VM.
 */

export const ROOT_CHECK = `user_id="\${AMLVNET_VM_UID:-$(id -u)}"`;

const CD_TO_SCRIPT_DIR = `SOURCE="\${BASH_SOURCE[0]}"
while [ -h "$SOURCE" ]; do
  DIR="$( cd -P "$( dirname "$SOURCE" )" && pwd )"
  SOURCE="$(readlink "$SOURCE")"
  [[ $SOURCE != /* ]] && SOURCE="$DIR/$SOURCE"
done
DIR="$( cd -P "$( dirname "$SOURCE" )" && pwd )"
cd "$DIR"`;

export const CONFIG_SH = `#!/bin/bash

${ROOT_CHECK}

# we want to snapshot the environment of the config user
if [ $user_id -eq 0 -a -z "$AGENT_ALLOW_RUNASROOT" ]; then
    echo "Must not run with sudo"
    exit 1
fi

# Change directory to the script root directory
${CD_TO_SCRIPT_DIR}

source ./env.sh

shopt -s nocasematch
if [[ "$1" == "remove" ]]; then
    ./bin/Agent.Listener "$@"
else
    ./bin/Agent.Listener configure "$@"
fi
`;

export const RUN_SH = `#!/bin/bash

${ROOT_CHECK}

if [ $user_id -eq 0 -a -z "$AGENT_ALLOW_RUNASROOT" ]; then
    echo "Must not run interactively with sudo"
    exit 1
fi

${CD_TO_SCRIPT_DIR}

source ./env.sh
./bin/Agent.Listener run "$@"
`;

export const ENV_SH = `#!/bin/bash

varCheckList=('LANG' 'JAVA_HOME' 'ANT_HOME' 'M2_HOME' 'ANDROID_HOME' 'GRADLE_HOME' 'NVM_BIN' 'NVM_PATH' 'LD_LIBRARY_PATH' 'PERL5LIB' 'AGENT_TOOLSDIRECTORY')

envContents=""

if [ -f ".env" ]; then
    envContents=\`cat .env\`
else
    touch .env
fi

function writeVar()
{
    checkVar="$1"
    checkDelim="\${1}="
    if test "\${envContents#*$checkDelim}" = "$envContents"
    then
        if [ ! -z "\${!checkVar}" ]; then
            echo "\${checkVar}=\${!checkVar}">>.env
        fi
    fi
}

echo $PATH>.path

for var_name in \${varCheckList[@]}
do
    writeVar "\${var_name}"
done
`;

/** bin/Agent.Listener: the listener runs on the machine's Node.js (the real package ships .NET and Node). */
export const AGENT_LISTENER = `#!/bin/bash
DIR="$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)"
if ! command -v node >/dev/null 2>&1; then
    echo "Can not find 'node' in PATH: the amlvnet sandbox agent runs on the machine's Node.js." >&2
    exit 1
fi
exec node "$DIR/agent-listener.js" "$@"
`;

export const RUNSVC_SH = `#!/bin/bash

# convert SIGTERM signal to SIGINT
trap 'kill -INT $PID' TERM INT

if [ -f ".path" ]; then
    export PATH=\`cat .path\`
    echo ".path=\${PATH}"
fi

./bin/Agent.Listener run --startuptype service &
PID=$!
wait $PID
trap - TERM INT
wait $PID
`;

export const SERVICE_TEMPLATE = `[Unit]
Description={{Description}}
After=network.target

[Service]
ExecStart={{AgentRoot}}/runsvc.sh
User={{User}}
WorkingDirectory={{AgentRoot}}
KillMode=process
KillSignal=SIGTERM
TimeoutStopSec=5min

[Install]
WantedBy=multi-user.target
`;

export const TEE_LICENSE = `<!DOCTYPE html><html><head><title>Team Explorer Everywhere license</title></head>
<body><p>Placeholder shipped by the amlvnet sandbox's agent package: the real package carries the Team Explorer
Everywhere end user license agreement here.</p></body></html>
`;
