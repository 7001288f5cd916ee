import { runBackup, runRestore } from './backup.js';
import { runClassify } from './classify.js';
import { runDoctor } from './doctor.js';
import { runMigrate } from './migrate.js';
import { runEraseCitizen } from './erase-citizen.js';
import { runEval } from './eval.js';
import { runImport } from './import.js';

const USAGE = `Uso: ventanilla <comando>

Comandos:
  classify   Lee un mensaje por línea en la entrada estándar y escribe una línea JSON por mensaje
             con type, category y confidence.
  eval <archivo.csv> [--model <modelo.json>]
             Evalúa el clasificador con un CSV etiquetado (columnas text,label o
             text,type,category): exactitud, macro-F1, precisión y exhaustividad por clase y
             matriz de confusión, del tipo y de la categoría, y el acierto por categoría.
             --model evalúa otro archivo de modelo (npm run train -- --compare los escribe).
  doctor     Revisa la configuración, las credenciales y la conexión de cada canal configurado
             (Telegram, WhatsApp, correo, SMS), la base de datos y el espacio en disco de
             DATA_DIR: una línea por revisión (✔, ⚠ o ✖ con la solución). Termina con código 1
             si algo falla.
  erase-citizen <número> --yes
             Borra los datos personales de un ciudadano (nombre, contacto, mensajes, fotos);
             sus casos quedan con un historial anonimizado. Con la base embebida, detén antes
             el servidor.
  import <archivo.xlsx|archivo.csv>
             Importa la hoja de solicitudes de redes sociales (columnas Nombre, Teléfono,
             Descripción, Fecha, Colonia, Red social): un caso y una llamada por fila. El avance
             va a la salida de errores y el resumen JSON a la salida estándar. Con la base
             embebida, detén antes el servidor.
  backup --out <archivo>
             Respalda la base de datos configurada (casos, conversaciones y fotos) en un solo
             archivo. Con la base embebida, detén antes el servidor (o define BACKUP_DIR: el
             servidor se respalda solo cada noche); con DATABASE_URL usa pg_dump (PATH o PG_DUMP).
  restore <archivo> [--force]
             Restaura un respaldo en la base configurada, que debe estar vacía (un DATA_DIR o
             una base nuevos); --force reemplaza lo que tenga. Con DATABASE_URL usa pg_restore.
  migrate [--dry-run]
             Aplica las migraciones pendientes (el servidor también lo hace al iniciar);
             --dry-run solo las lista. Rechaza una base de una versión más nueva.
  help       Muestra esta ayuda.

Para iniciar el servidor: npm start`;

async function run(argv: string[]): Promise<number> {
  const [command] = argv;
  switch (command) {
    case 'classify':
      await runClassify(process.stdin, process.stdout);
      return 0;
    case 'eval': {
      const file = argv[1];
      const modelFlag = argv.indexOf('--model');
      const modelPath = modelFlag > 0 ? argv[modelFlag + 1] : undefined;
      if (!file || file === '--model' || (modelFlag > 0 && !modelPath)) {
        console.error(`Falta el archivo CSV o el modelo.\n\n${USAGE}`);
        return 2;
      }
      runEval(file, (text) => process.stdout.write(text), { modelPath });
      return 0;
    }
    case 'doctor':
      return runDoctor((line) => console.log(line));
    case 'erase-citizen':
      return runEraseCitizen(
        argv.slice(1),
        (line) => console.log(line),
        (line) => console.error(line),
      );
    case 'backup':
      return runBackup(
        argv.slice(1),
        (line) => console.log(line),
        (line) => console.error(line),
      );
    case 'restore':
      return runRestore(
        argv.slice(1),
        (line) => console.log(line),
        (line) => console.error(line),
      );
    case 'migrate':
      return runMigrate(
        argv.slice(1),
        (line) => console.log(line),
        (line) => console.error(line),
      );
    case 'import':
      return runImport(
        argv.slice(1),
        (line) => console.log(line),
        (line) => console.error(line),
      );
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
