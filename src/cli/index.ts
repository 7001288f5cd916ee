import { runClassify } from './classify.js';

const USAGE = `Uso: ventanilla <comando>

Comandos:
  classify   Lee un mensaje por línea en la entrada estándar y escribe una línea JSON por mensaje
             con type, category y confidence.
  help       Muestra esta ayuda.

Para iniciar el servidor: npm start`;

async function run(argv: string[]): Promise<number> {
  const [command] = argv;
  switch (command) {
    case 'classify':
      await runClassify(process.stdin, process.stdout);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      console.error(`Comando desconocido: ${command}\n\n${USAGE}`);
      return 2;
  }
}

process.exitCode = await run(process.argv.slice(2));
